"""Recall against the exact answers and single-query latency."""
from __future__ import annotations

import time

import numpy as np

from core.distances import distances
from core.indexlab.indexes import SearchFn
from core.jobs import check
from core.search.exact import recall_at_k

CHECK_EVERY = 25  # queries between looks at the cancel flag


def recall(found: list[np.ndarray], truth: list[np.ndarray], stored: np.ndarray, queries: np.ndarray,
           metric: str = "cosine") -> float:
    """Mean share of each query's exact answers (under `metric`) that the index returned.

    A returned row that is not among the exact answers but is as near as the exact k-th (a tie) counts as a hit.
    """
    shares = []
    for q, f, t in zip(queries, found, truth):
        if len(t):
            dist = distances(q, stored[f], metric)[0]
            limit = float(distances(q, stored[t[-1:]], metric)[0, 0])
            shares.append(recall_at_k(f.tolist(), t.tolist(), found_distances=dist.tolist(),
                                      exact_distances=[limit]))
    return float(np.mean(shares)) if shares else 1.0


def run_queries(search: SearchFn, queries: np.ndarray, k: int, *, cancel=None) -> tuple[list[np.ndarray], np.ndarray]:
    """Each query's answers, asked one at a time, and each one's latency in milliseconds."""
    found, millis = [], np.empty(len(queries))
    for i in range(len(queries)):
        if i % CHECK_EVERY == 0:
            check(cancel)
        start = time.perf_counter()
        found.append(np.asarray(search(queries[i:i + 1], k)))
        millis[i] = (time.perf_counter() - start) * 1000
    return found, millis
