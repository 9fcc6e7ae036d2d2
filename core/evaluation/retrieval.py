"""Retrieval on the user's data: each row's query should find that row's text among all texts.

Figures follow sentence-transformers' InformationRetrievalEvaluator with one relevant text per query:
cosine similarity; recall@k = 1 when the right text is among the k best; MRR@10 = 1/rank when rank <= 10;
NDCG@10 = 1/log2(rank + 1) when rank <= 10 (the ideal DCG is 1).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import DataError
from core.vectors import unit_rows

K = 10
CONVENTIONS = ("Each query's own row is its one relevant text, searched among all texts by cosine similarity. "
               "recall@k: the right text among the k best; MRR@10: 1/rank within the top 10, else 0; NDCG@10: "
               "1/log2(rank+1) within the top 10, else 0 (the conventions of sentence-transformers' "
               "InformationRetrievalEvaluator). A text scoring exactly as high as the right one is ranked after it; "
               "a query the model cannot embed (no known word) counts as missed.")
METRICS = ("recall_at_1", "recall_at_10", "mrr_at_10", "ndcg_at_10")


@dataclass
class RetrievalResult:
    """Per query: the rank of its right text, and which text came first."""

    ranks: np.ndarray  # 1-based
    first: np.ndarray  # row of the best-scoring text

    def per_query(self) -> pd.DataFrame:
        """One row per query with each metric's value (0/1 for recall)."""
        r = self.ranks
        within = r <= K
        return pd.DataFrame({"rank": r, "recall_at_1": (r <= 1).astype(float), "recall_at_10": within.astype(float),
                             "mrr_at_10": np.where(within, 1.0 / r, 0.0),
                             "ndcg_at_10": np.where(within, 1.0 / np.log2(r + 1.0), 0.0)})

    def metrics(self) -> dict[str, float]:
        table = self.per_query()
        return {m: float(table[m].mean()) for m in METRICS}


def rank_queries(query_vectors: np.ndarray, text_vectors: np.ndarray, chunk: int = 1024) -> RetrievalResult:
    """The rank of row i's text for query i among all texts, by cosine similarity."""
    q, t = unit_rows(query_vectors, np.float32), unit_rows(text_vectors, np.float32)
    sims_ok = np.nan_to_num(q)
    if len(q) != len(t):
        raise DataError("There must be one query per text.")
    ranks, first = np.empty(len(q), dtype=np.int64), np.empty(len(q), dtype=np.int64)
    for start in range(0, len(q), chunk):
        sims = sims_ok[start:start + chunk] @ t.T
        rows = np.arange(start, start + len(sims))
        own = sims[np.arange(len(sims)), rows]
        ranks[rows] = 1 + (sims > own[:, None]).sum(axis=1)
        first[rows] = sims.argmax(axis=1)
    first = np.where(ranks == 1, np.arange(len(q)), first)
    unplaced = ~np.isfinite(q).all(axis=1) | ~np.any(q != 0, axis=1)  # a query with no vector finds nothing
    ranks[unplaced] = len(t)
    return RetrievalResult(ranks, first)


def failed_queries(result: RetrievalResult, queries: Sequence[str], texts: Sequence[str], *,
                   k: int = 1) -> pd.DataFrame:
    """Queries whose right text was not among the k best: the query, its text and what came first."""
    rows = np.flatnonzero(result.ranks > k)
    rows = rows[np.argsort(-result.ranks[rows], kind="stable")]
    text_array = np.asarray(texts, dtype=object)
    return pd.DataFrame({"row": rows, "query": np.asarray(queries, dtype=object)[rows], "right_text": text_array[rows],
                         "rank_of_right_text": result.ranks[rows], "came_first": text_array[result.first[rows]]})


def outcome(result: RetrievalResult) -> np.ndarray:
    """Per row, in words: found first, in the top 10, or missed."""
    return np.where(result.ranks == 1, "found first", np.where(result.ranks <= K, f"in the top {K}", "missed"))
