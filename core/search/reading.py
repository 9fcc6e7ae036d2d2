"""Reading a collection: query vectors checked against it, nearest rows by Chroma's index, rows passing filters."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.errors import UserError
from core.search.collection_info import CollectionInfo
from core.search.results import frame_from_query

PAGE_SIZE = 5000


def check_query(info: CollectionInfo, vectors: np.ndarray, model_id: str | None) -> np.ndarray:
    """The query vectors as float32 rows, refused when they cannot be compared with the collection's."""
    queries = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    if queries.ndim != 2 or queries.shape[1] == 0:
        raise UserError(f"A query must be one vector or a table of vectors, got shape {queries.shape}.")
    if info.dimension is not None and queries.shape[1] != info.dimension:
        raise UserError(f"The query has {queries.shape[1]} dimensions but collection '{info.name}' holds "
                        f"{info.dimension}-dimensional vectors from {info.model_id}.")
    if model_id is not None and info.model_id is not None and model_id != info.model_id:
        raise UserError(f"The query was embedded with {model_id}, but collection '{info.name}' holds vectors "
                        f"from {info.model_id}; embed it with the same model.")
    if not np.isfinite(queries).all():
        raise UserError("The query vector contains NaN or infinity.")
    return queries


def check_k(k: int) -> int:
    """k as an int, refused below 1."""
    if int(k) < 1:
        raise UserError("k must be at least 1.")
    return int(k)


def nearest(collection: Any, queries: np.ndarray, *, k: int, where: dict | None, where_document: dict | None,
            metric: str) -> pd.DataFrame:
    """The k nearest stored rows per checked query, by Chroma's HNSW index, as a result table.

    The hits' vectors are fetched only where the similarity needs them (cosine similarity is 1 - distance).
    """
    include = ["documents", "metadatas", "distances"] + ([] if metric == "cosine" else ["embeddings"])
    try:
        raw = collection.query(query_embeddings=queries, n_results=check_k(k), where=where or None,
                               where_document=where_document or None, include=include)
    except Exception as exc:  # noqa: BLE001 - bad filters come back as several Chroma error types
        raise UserError(f"Chroma could not run this search: {exc}") from None
    return frame_from_query(raw, queries)


def read_rows(collection: Any, where: dict | None,
              where_document: dict | None) -> tuple[list[str], np.ndarray, list[str], list[dict]]:
    """(ids, vectors, texts, metadata) of every stored row matching the filters, read in pages."""
    ids: list[str] = []
    chunks: list[np.ndarray] = []
    texts: list[str] = []
    metas: list[dict] = []
    offset = 0
    while True:
        page = _filtered_get(collection, where, where_document, limit=PAGE_SIZE, offset=offset,
                             include=["embeddings", "documents", "metadatas"])
        ids += page["ids"]
        texts += [d or "" for d in page["documents"]]
        metas += [m or {} for m in page["metadatas"]]
        if len(page["ids"]):
            chunks.append(np.asarray(page["embeddings"], dtype=np.float32))
        if len(page["ids"]) < PAGE_SIZE:
            break
        offset += PAGE_SIZE
    matrix = np.concatenate(chunks) if chunks else np.empty((0, 0), np.float32)
    return ids, matrix, texts, metas


def matching_ids(collection: Any, where: dict | None, where_document: dict | None) -> list[str]:
    """Ids of the stored rows that pass the filters (no vectors read)."""
    return _filtered_get(collection, where, where_document, include=[])["ids"]


def _filtered_get(collection: Any, where: dict | None, where_document: dict | None, **options: Any) -> dict:
    """`collection.get` with the filters (empty ones dropped); a filter Chroma refuses becomes a UserError."""
    try:
        return collection.get(where=where or None, where_document=where_document or None, **options)
    except Exception as exc:  # noqa: BLE001 - bad filters come back as several Chroma error types
        raise UserError(f"Chroma could not apply this filter: {exc}") from None
