"""The two sides of a drift check: two datasets, or two slices of one by a column's values or ranges.

A side is written as a value ("2026", "news"), a comparison ("<=2019", ">2020") or an inclusive range
("2010..2019"); comparisons and ranges need a numeric column (or dates written as numbers).
"""
from __future__ import annotations

import operator
import re

import numpy as np
import pandas as pd

from core.errors import DataError

COMPARISONS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "=": operator.eq}
_COMPARISON = re.compile(r"^\s*(<=|>=|<|>|=)\s*(.+?)\s*$")
_RANGE = re.compile(r"^\s*(.+?)\s*\.\.\s*(.+?)\s*$")


def _number(text: str, column: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise DataError(f"{text!r} is not a number, so it cannot bound column {column!r}.") from None


def _numeric(values: pd.Series, column: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().sum() == 0:
        raise DataError(f"Column {column!r} holds no numbers, so it can only be split by exact values.")
    return numbers


def matches(values: pd.Series, spec: str, column: str) -> np.ndarray:
    """Whether each value falls on the side `spec` names (a value, a comparison or a range)."""
    if (found := _RANGE.match(spec)) is not None:
        numbers = _numeric(values, column)
        low, high = _number(found[1], column), _number(found[2], column)
        return ((numbers >= low) & (numbers <= high)).to_numpy()
    if (found := _COMPARISON.match(spec)) is not None:
        compare = COMPARISONS[found[1]]
        return compare(_numeric(values, column), _number(found[2], column)).fillna(False).to_numpy(dtype=bool)
    as_text = values.astype(str).str.strip() == spec.strip()
    if pd.api.types.is_numeric_dtype(values):
        try:
            return (as_text | (values == float(spec))).to_numpy()
        except ValueError:
            pass
    return as_text.to_numpy()


def two_values(values: pd.Series, column: str) -> tuple[str, str]:
    """The column's two distinct values, for a column that holds exactly two."""
    distinct = sorted(values.dropna().astype(str).str.strip().unique().tolist())
    if len(distinct) != 2:
        raise DataError(f"Column {column!r} holds {len(distinct)} distinct values; name the two sides "
                        f"(a value, a comparison such as <=2019, or a range such as 2010..2019).")
    return distinct[0], distinct[1]


def slice_sides(frame: pd.DataFrame, column: str, a: str | None = None, b: str | None = None
                ) -> tuple[np.ndarray, str, str]:
    """(side per row: 0 for A, 1 for B, -1 for neither; A's name; B's name)."""
    if column not in frame.columns:
        raise DataError(f"There is no column {column!r}. Columns: {', '.join(map(str, frame.columns))}.")
    values = frame[column]
    if a is None or b is None:
        a, b = two_values(values, column)
    in_a, in_b = matches(values, a, column), matches(values, b, column)
    if (in_a & in_b).any():
        raise DataError(f"The sides {a!r} and {b!r} overlap: {int((in_a & in_b).sum())} rows fall on both.")
    for name, rows in ((a, in_a), (b, in_b)):
        if not rows.any():
            raise DataError(f"No row of column {column!r} matches {name!r}.")
    return np.where(in_a, 0, np.where(in_b, 1, -1)), f"{column} {a}", f"{column} {b}"
