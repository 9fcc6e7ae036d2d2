"""Column helpers shared by the loaders: required columns, missing cells, and the label column."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import DataError


def _require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    """Raise DataError naming the first column that is not in `frame`."""
    for column in columns:
        if column not in frame.columns:
            available = ", ".join(map(str, frame.columns))
            raise DataError(f"Column {column!r} not found in {name}. Available columns: {available}.")


def _is_missing(value: object) -> bool:
    """True for None and float NaN / pandas NA scalars."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and np.isnan(value)


def _with_label_column(frame: pd.DataFrame, label_column: str | None, name: str) -> tuple[pd.DataFrame, str, bool]:
    """Pick the text column: `label_column`, else the first string column, else generated 'row N' labels.

    The flag says whether the labels were generated.
    """
    if label_column is not None:
        _require_columns(frame, [label_column], f"the metadata for {name}")
        frame = frame.copy()
        frame[label_column] = frame[label_column].map(_label_text).astype(object)
        return frame, label_column, False
    found = _first_string_column(frame)
    if found is not None:
        return frame, found, False
    column = _free_name(frame, "label")
    frame = frame.copy()
    frame.insert(0, column, [f"row {i}" for i in range(len(frame))])
    return frame, column, True


def _label_text(value: object) -> str:
    """A cell as display text, with missing values as ''."""
    return "" if _is_missing(value) else str(value)


def _first_string_column(frame: pd.DataFrame) -> str | None:
    """Name of the first column whose non-missing cells are all strings."""
    for column in frame.columns:
        sample = [v for v in frame[column].head(1000).tolist() if not _is_missing(v)]
        if sample and all(isinstance(v, str) for v in sample):
            return column
    return None


def _free_name(frame: pd.DataFrame, base: str) -> str:
    """`base`, or `base_2`, `base_3`, … — whichever is not already a column."""
    name, n = base, 1
    while name in frame.columns:
        n += 1
        name = f"{base}_{n}"
    return name
