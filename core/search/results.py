"""The result table every search returns: one row per hit (query, rank, id, distance, similarity, text, metadata)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.vectors import cosine as cosine_similarity

RESULT_COLUMNS = ("query", "rank", "id", "distance", "similarity", "text")


def hit_records(query_index: int, query: np.ndarray, ids: Sequence[str], distances: Sequence[float],
                vectors: np.ndarray, texts: Sequence[str | None],
                metadatas: Sequence[Mapping[str, Any] | None]) -> list[dict[str, Any]]:
    """Result rows for one query's hits, nearest first; `similarity` is the cosine of the query and the hit."""
    sims = cosine_similarity(np.repeat(query[None, :], len(ids), axis=0), vectors)
    return [_record(query_index, rank, row_id, float(d), float(s), text or "", meta)
            for rank, (row_id, d, s, text, meta) in enumerate(zip(ids, distances, sims, texts, metadatas), start=1)]


def result_frame(records: list[dict]) -> pd.DataFrame:
    """The records as a table; an empty one still has the result columns."""
    return pd.DataFrame(records, columns=None if records else list(RESULT_COLUMNS))


def frame_from_query(raw: Mapping[str, Any], queries: np.ndarray) -> pd.DataFrame:
    """The result table of a Chroma query (asked to include documents, metadatas, distances and embeddings)."""
    records = []
    for qi in range(len(queries)):
        if not raw["ids"][qi]:
            continue
        records += hit_records(qi, queries[qi], raw["ids"][qi], raw["distances"][qi],
                               np.asarray(raw["embeddings"][qi], dtype=np.float32), raw["documents"][qi],
                               raw["metadatas"][qi])
    return result_frame(records)


def _record(query: int, rank: int, row_id: str, distance: float, similarity: float, text: str,
            metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """One result row; a metadata key that clashes with a result column is prefixed `meta.`."""
    row = {"query": query, "rank": rank, "id": row_id, "distance": distance, "similarity": similarity, "text": text}
    for key, value in sorted((metadata or {}).items()):
        row[f"meta.{key}" if key in RESULT_COLUMNS else key] = value
    return row
