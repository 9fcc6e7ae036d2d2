"""Rows added to a dataset: read from a file of the same kind, then appended after the old rows, marked as new."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.data import loaders
from core.data.table import VECTORS, Dataset
from core.errors import DataError

NEW_COLUMN = "new"  # True on the rows added last


def added_rows(data: bytes, filename: str, like: Dataset) -> Dataset:
    """The rows of a file to add to `like`: .npy vectors of its dimension, or a table with its columns."""
    if like.payload is not None:
        raise DataError(f"Rows can be added to texts and vectors; {like.kind} data cannot grow here yet.")
    if Path(filename).suffix.lower() == ".npy":
        return _added_vectors(data, filename, like)
    if like.kind == VECTORS or like.vectors is not None:
        dim = "" if like.vectors is None else f" of dimension {like.vectors.shape[1]}"
        raise DataError(f"{like.name} is made of its own vectors; add rows as a .npy file of vectors{dim}.")
    frame = loaders.read_table(data, filename)
    wanted = [c for c in like.frame.columns if c != NEW_COLUMN]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise DataError(f"{filename} lacks the column(s) {', '.join(map(str, missing))} of {like.name}; the added "
                        "rows need the same columns.")
    return loaders.table_to_dataset(frame, name=filename, text_column=like.text_column,
                                    metadata_columns=[c for c in wanted if c != like.text_column])


def _added_vectors(data: bytes, filename: str, like: Dataset) -> Dataset:
    if like.vectors is None:
        raise DataError(f"{like.name} has texts, not vectors of its own; add rows as a table with its columns.")
    added = loaders.load_npy(data, name=filename)
    dim, wanted = added.require_vectors().shape[1], like.vectors.shape[1]
    if dim != wanted:
        raise DataError(f"{filename} holds vectors of dimension {dim}, but {like.name} has dimension {wanted}; the "
                        "added rows must have the same dimension.")
    return added


def grown_dataset(old: Dataset, added: Dataset) -> Dataset:
    """The old rows first, unchanged, then the added ones; the `new` column marks the added rows."""
    part = added.frame.rename(columns={added.text_column: old.text_column})
    if added.generated_labels:  # made-up names continue the old numbering
        part[old.text_column] = [f"row {len(old) + i}" for i in range(len(added))]
    columns = [c for c in old.frame.columns if c != NEW_COLUMN]
    frame = pd.concat([old.frame[columns].assign(**{NEW_COLUMN: False}),
                       part.reindex(columns=columns).assign(**{NEW_COLUMN: True})], ignore_index=True)
    vectors = None if old.vectors is None else np.concatenate([old.vectors, added.require_vectors().astype(old.vectors.dtype)])
    return Dataset(f"{old.name} + {added.name}", frame, old.text_column, vectors=vectors, excluded=old.excluded,
                   description=f"{old.name} with {len(added):,} rows added from {added.name}: {len(frame):,} rows.",
                   generated_labels=old.generated_labels)
