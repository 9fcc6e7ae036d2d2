"""Turn a table into a `Dataset`: pick the text column, drop empty text and bad vectors."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.loaders.columns import (
    _first_string_column,
    _is_missing,
    _require_columns,
)
from core.data.loaders.vectors import _sort_exclusions, parse_vector_column
from core.data.table import Dataset, Exclusions
from core.errors import DataError

TEXT_COLUMN_NAMES = ("text", "sentence", "document", "word")


def table_to_dataset(
    frame: pd.DataFrame,
    *,
    name: str,
    text_column: str,
    metadata_columns: list[str] | None = None,
    vector_column: str | None = None,
) -> Dataset:
    """Build a Dataset from a table, dropping rows with empty text or bad vectors."""
    vector_columns = [vector_column] if vector_column else []
    _require_columns(frame, [text_column, *(metadata_columns or []), *vector_columns], name)
    if vector_column == text_column:
        raise DataError(
            f"Column {text_column!r} cannot be both the text and the vector column. "
            "Choose two different columns."
        )
    if metadata_columns is None:
        metadata_columns = [c for c in frame.columns if c not in (text_column, vector_column)]
    metadata_columns = [c for c in metadata_columns if c not in (text_column, vector_column)]
    excluded = Exclusions()
    keep = _nonempty_text_mask(frame[text_column])
    for pos in np.flatnonzero(~keep):
        excluded.add(int(pos), "empty text")
    vectors = None
    if vector_column is not None:
        vectors, keep = _vectors_for_rows(frame[vector_column], keep, excluded)
    _sort_exclusions(excluded)
    if not keep.any():
        raise DataError(
            f"Every row of {name} was excluded. {excluded.summary()} "
            "Choose a different text or vector column, or fix the file."
        )
    kept = frame.loc[keep, [text_column, *metadata_columns]].reset_index(drop=True)
    kept[text_column] = kept[text_column].map(str).astype(object)
    return Dataset(name=name, frame=kept, text_column=text_column, vectors=vectors, excluded=excluded,
                   source_rows=np.flatnonzero(keep))


def _nonempty_text_mask(texts: pd.Series) -> np.ndarray:
    """True where the cell has non-whitespace text."""
    return np.array([not _is_missing(t) and str(t).strip() != "" for t in texts.tolist()], dtype=bool)


def _vectors_for_rows(
    column: pd.Series, keep: np.ndarray, excluded: Exclusions
) -> tuple[np.ndarray, np.ndarray]:
    """Parse vectors for rows still kept; return (matrix for final rows, final keep mask)."""
    positions = np.flatnonzero(keep)
    if len(positions) == 0:
        return np.empty((0, 0), np.float32), keep
    subset = column.iloc[positions].reset_index(drop=True)
    matrix, bad, reasons = parse_vector_column(subset)
    for pos, reason in zip(bad, reasons):
        excluded.add(int(positions[pos]), reason)
    keep = keep.copy()
    keep[positions[bad]] = False
    return matrix, keep


def default_text_column(frame: pd.DataFrame, exclude: str | None = None) -> str:
    """A column named text/sentence/document/word (any case), else the first string column."""
    candidates = frame.drop(columns=[exclude]) if exclude in frame.columns else frame
    by_lower = {str(c).lower(): c for c in reversed(list(candidates.columns))}
    for wanted in TEXT_COLUMN_NAMES:
        if wanted in by_lower:
            return by_lower[wanted]
    found = _first_string_column(candidates)
    if found is None:
        available = ", ".join(map(str, frame.columns))
        raise DataError(
            f"No column of text found (columns: {available}). "
            "Choose which column holds the text (--column on the command line)."
        )
    return found
