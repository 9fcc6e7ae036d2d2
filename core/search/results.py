"""The result table every search returns: one row per hit (query, rank, id, distance, similarity, text, metadata)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.distances import SCORE_NAMES, score
from core.vectors import cosine

RESULT_COLUMNS = ("query", "rank", "id", "distance", "similarity", "text")


def hit_records(query_index: int, ids: Sequence[str], distances: Sequence[float] | np.ndarray,
                similarities: Sequence[float] | np.ndarray, texts: Sequence[str | None],
                metadatas: Sequence[Mapping[str, Any] | None]) -> list[dict[str, Any]]:
    """Result rows for one query's hits, nearest first; `similarities` are the cosines of the query and each hit."""
    hits = zip(ids, distances, similarities, texts, metadatas)
    return [_record(query_index, rank, row_id, float(d), float(s), text or "", meta)
            for rank, (row_id, d, s, text, meta) in enumerate(hits, start=1)]


def result_frame(records: list[dict]) -> pd.DataFrame:
    """The records as a table; an empty one still has the result columns."""
    return pd.DataFrame(records, columns=None if records else list(RESULT_COLUMNS))


def frame_from_query(raw: Mapping[str, Any], queries: np.ndarray) -> pd.DataFrame:
    """The result table of a Chroma query (asked to include documents, metadatas and distances, and embeddings
    unless the metric is cosine, whose similarity is 1 - distance)."""
    vectors = raw.get("embeddings")
    records = []
    for qi in range(len(queries)):
        if not raw["ids"][qi]:
            continue
        distances = np.asarray(raw["distances"][qi], dtype=np.float64)
        sims = 1.0 - distances if vectors is None else cosine(queries[qi], np.asarray(vectors[qi], dtype=np.float32))
        records += hit_records(qi, raw["ids"][qi], distances, sims, raw["documents"][qi], raw["metadatas"][qi])
    return result_frame(records)


def named_scores(hits: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Exact hits under `metric` with their distance shown as the metric's own score, in a column named for it
    (e.g. 'cosine similarity', 'L1 distance'; the cosine similarity column is then not repeated)."""
    out = hits.copy()
    out.insert(int(out.columns.get_loc("distance")), SCORE_NAMES[metric], score(metric, out["distance"].to_numpy()))
    return out.drop(columns=["distance", "similarity"] if metric == "cosine" else ["distance"])


def _record(query: int, rank: int, row_id: str, distance: float, similarity: float, text: str,
            metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """One result row; a metadata key that clashes with a result column is prefixed `meta.`."""
    row = {"query": query, "rank": rank, "id": row_id, "distance": distance, "similarity": similarity, "text": text}
    for key, value in sorted((metadata or {}).items()):
        row[f"meta.{key}" if key in RESULT_COLUMNS else key] = value
    return row
