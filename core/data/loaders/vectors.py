"""Parse vector cells into a float32 matrix, recording unusable rows as exclusions."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.data.table import Exclusions
from core.errors import DataError

_NUMBER_SPLIT = re.compile(r"[,\s]+")


def parse_vector_column(values: pd.Series) -> tuple[np.ndarray, list[int], list[str]]:
    """Parse a column of vectors; return (float32 matrix of good rows, bad positions, reasons).

    Cells may be lists, arrays, or strings like "[0.1, 0.2]" or "0.1 0.2".
    Positions are 0-based positions in `values`, not index labels.
    """
    parsed = [_parse_vector_cell(cell) for cell in values.tolist()]
    excluded = Exclusions()
    matrix, _ = _stack_vectors(parsed, list(range(len(parsed))), excluded)
    if matrix.shape[0] == 0:
        column = f"Column {values.name!r}" if values.name is not None else "The vector column"
        raise DataError(
            f"{column} has no usable vectors. {excluded.summary()} "
            'Each cell must be a list of numbers such as "[0.1, 0.2, 0.3]".'
        )
    return matrix, excluded.rows, excluded.reasons


def _parse_vector_cell(cell: object) -> np.ndarray | None:
    """One cell as a 1-D float64 array, or None when it is not a vector."""
    if isinstance(cell, str):
        body = cell.strip().strip("[]()").strip()
        if not body:
            return None
        try:
            return np.array([float(tok) for tok in _NUMBER_SPLIT.split(body)], dtype=np.float64)
        except ValueError:
            return None
    if isinstance(cell, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(cell, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        return array if array.ndim == 1 and array.size > 0 else None
    return None


def _stack_vectors(
    parsed: list[np.ndarray | None], row_ids: list[int], excluded: Exclusions,
    expected: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stack parsed vectors of the common length into float32; return (matrix, keep mask).

    Unparseable, wrong-length and non-finite rows are recorded in `excluded`.
    `expected` fixes the dimension; by default the most common length is used.
    """
    lengths = Counter(len(v) for v in parsed if v is not None)
    if expected is None and lengths:
        expected = lengths.most_common(1)[0][0]
    keep = np.zeros(len(parsed), dtype=bool)
    for i, vector in enumerate(parsed):
        if vector is None:
            excluded.add(row_ids[i], "unparseable vector")
        elif len(vector) != expected:
            excluded.add(row_ids[i], f"wrong dimension (got {len(vector)}, expected {expected})")
        else:
            keep[i] = True
    good = [v for v, k in zip(parsed, keep) if k and v is not None]
    with np.errstate(over="ignore"):
        matrix = np.vstack(good).astype(np.float32) if good else np.empty((0, expected or 0), np.float32)
    finite = exclude_nonfinite(matrix, excluded, [row_ids[i] for i in np.flatnonzero(keep)])
    keep[np.flatnonzero(keep)[~finite]] = False
    _sort_exclusions(excluded)
    return matrix[finite], keep


def exclude_nonfinite(vectors: np.ndarray, excluded: Exclusions, row_ids: Sequence[int]) -> np.ndarray:
    """Record rows holding NaN or inf in `excluded`; return the boolean mask of rows to keep."""
    keep = np.isfinite(vectors).all(axis=1) if vectors.size else np.ones(len(vectors), dtype=bool)
    for i in np.flatnonzero(~keep):
        excluded.add(row_ids[int(i)], "NaN or inf in vector")
    return keep


def _sort_exclusions(excluded: Exclusions) -> None:
    """Order exclusions by row number, in place."""
    pairs = sorted(zip(excluded.rows, excluded.reasons), key=lambda pair: pair[0])
    excluded.rows[:] = [row for row, _ in pairs]
    excluded.reasons[:] = [reason for _, reason in pairs]
