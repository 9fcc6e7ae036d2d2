"""Filling a collection: refuse vectors that do not belong, write the rows it lacks in batches, drop rows
that left the data, and mark it complete."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import UserError
from core.search.client import find_collection
from core.search.collection_info import (
    COMPLETE,
    INGESTING,
    CollectionInfo,
    creation_metadata,
    read_info,
    update_metadata,
)
from core.search.exact import METRICS
from core.search.records import batches, is_valid_name, row_ids

Progress = Callable[[int, int], None]
BATCH_SIZE = 1000


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did."""

    name: str
    written: int
    skipped: int
    removed: int
    count: int


def ingest(client: Any, name: str, *, texts: Sequence[str], vectors: np.ndarray,
           metadatas: Sequence[Mapping[str, Any]], model_id: str, model_key: str, dataset: str,
           metric: str = "cosine", batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> IngestReport:
    """Make the collection hold exactly these rows: write what is missing, drop what is gone.

    Ids come from content, so running it again (after a crash too) resumes instead of duplicating.
    A mismatch with an existing collection (model, dimension, metric) is refused before any write.
    """
    vectors = _check_vectors(vectors, len(texts), len(metadatas))
    _check_name_and_metric(name, metric)
    collection = find_collection(client, name)
    existing = None if collection is None else read_info(collection)
    if existing is not None:
        _check_compatible(existing, model_id=model_id, dimension=vectors.shape[1], metric=metric)
    ids = row_ids([str(t) for t in texts], metadatas)
    if collection is None:
        collection = client.create_collection(name, embedding_function=None, metadata=creation_metadata(
            dataset=dataset, model_id=model_id, model_key=model_key, dimension=vectors.shape[1], metric=metric,
            rows=len(ids)))
    else:
        update_metadata(collection, state=INGESTING, rows=len(ids))
    fresh = existing is None or not existing.count  # a new collection lacks every row
    written = _write_batches(collection, ids, vectors, texts, metadatas, fresh=fresh, batch_size=batch_size,
                             progress=progress)
    removed = _remove_stale(collection, set(ids))
    update_metadata(collection, state=COMPLETE, rows=len(ids))
    return IngestReport(name, written, len(ids) - written, removed, collection.count())


def _check_vectors(vectors: np.ndarray | None, n_texts: int, n_meta: int) -> np.ndarray:
    """The vectors as float32 rows, one per text and metadata row, all finite."""
    if vectors is None or n_texts == 0:
        raise UserError("Nothing to index: the data has no rows with vectors.")
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise UserError(f"Vectors must be a table of rows, got an array of shape {arr.shape}.")
    if not (len(arr) == n_texts == n_meta):
        raise UserError(f"{len(arr):,} vectors but {n_texts:,} texts and {n_meta:,} metadata rows; they must match.")
    if not np.isfinite(arr).all():
        raise UserError("Some vectors contain NaN or infinity; drop those rows before indexing.")
    return arr


def _check_name_and_metric(name: str, metric: str) -> None:
    """Refuse a metric we do not know or a name Chroma would not accept."""
    if metric not in METRICS:
        raise UserError(f"Unknown metric '{metric}'. Available: {', '.join(METRICS)}.")
    if not is_valid_name(name):
        raise UserError(f"'{name}' is not a valid collection name: use 3-512 letters, digits, '.', '_' or '-', "
                        "starting and ending with a letter or digit, with no '..'.")


def _check_compatible(info: CollectionInfo, *, model_id: str, dimension: int, metric: str) -> None:
    """Refuse writing vectors that do not belong in this collection."""
    if info.model_id is None:
        raise UserError(f"Collection '{info.name}' was not made by Embedding Explorer; choose another name.")
    if info.dimension != dimension:
        raise UserError(f"Collection '{info.name}' holds {info.dimension}-dimensional vectors from "
                        f"{info.model_id}; these are {dimension}-dimensional. Nothing was written.")
    if info.model_id != model_id:
        raise UserError(f"Collection '{info.name}' holds vectors from {info.model_id}, not {model_id}; "
                        "mixing models makes distances meaningless. Nothing was written.")
    if info.metric != metric:
        raise UserError(f"Collection '{info.name}' uses the {info.metric} metric, not {metric}. Nothing was written.")


def _write_batches(collection: Any, ids: list[str], vectors: np.ndarray, texts: Sequence[str],
                   metadatas: Sequence[Mapping[str, Any]], *, fresh: bool, batch_size: int,
                   progress: Progress | None) -> int:
    """Write the rows the collection lacks, batch by batch, reporting rows done; returns how many were written."""
    written = 0
    for part in batches(len(ids), batch_size):
        written += _write_missing(collection, ids[part], vectors[part], texts[part], metadatas[part], fresh)
        if progress:
            progress(part.stop, len(ids))
    return written


def _write_missing(collection: Any, ids: list[str], vectors: np.ndarray, texts: Sequence[str],
                   metadatas: Sequence[Mapping[str, Any]], fresh: bool = False) -> int:
    """Upsert the rows of this batch that the collection lacks; returns how many were written."""
    present = set() if fresh else set(collection.get(ids=ids, include=[])["ids"])
    todo = [i for i, row_id in enumerate(ids) if row_id not in present]
    if todo:
        collection.upsert(ids=[ids[i] for i in todo], embeddings=vectors[todo],
                          documents=[str(texts[i]) for i in todo],
                          metadatas=[dict(metadatas[i]) or None for i in todo])
    return len(todo)


def _remove_stale(collection: Any, keep: set[str]) -> int:
    """Delete rows whose ids are not in `keep` (rows that left the data since the last ingest)."""
    if collection.count() == len(keep):  # every id in `keep` is present, so nothing else is
        return 0
    stored = collection.get(include=[])["ids"]
    stale = [i for i in stored if i not in keep]
    for part in batches(len(stale), BATCH_SIZE):
        collection.delete(ids=stale[part])
    return len(stale)
