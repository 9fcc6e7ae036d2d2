"""Outlier scores per point (higher means more unusual) and why each outlier is alone.

Three scores: the cosine distance to the k-th nearest neighbour and the local outlier factor, both read from the
shared neighbour graph (no N x N matrix), and scikit-learn's isolation forest on the vectors.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from core.errors import DataError
from core.maps.knn import KnnGraph
from core.quality.graph import cosine_graph
from core.quality.settings import BY_NAME, OUTLIER_METHODS

WHY_NEIGHBOURS = 5  # neighbours shown for each outlier
TEXT_CHARS = 160


@dataclass
class OutlierResult:
    """Each row's score, and the rows flagged at the chosen contamination."""

    scores: np.ndarray  # higher means more unusual
    method: str
    k: int
    contamination: float

    @property
    def threshold(self) -> float:
        """The score at or above which a row is flagged: its (1 - contamination) quantile."""
        return float(np.quantile(self.scores, 1.0 - self.contamination))

    @property
    def flagged(self) -> np.ndarray:
        return self.scores >= self.threshold

    @property
    def ranked(self) -> np.ndarray:
        """Rows from the most unusual down (ties by row)."""
        return np.lexsort((np.arange(len(self.scores)), -self.scores))


def graph_matrix(graph: KnnGraph, k: int) -> sparse.csr_matrix:
    """Each row's self and k nearest rows as a sparse distance matrix (scikit-learn's precomputed graph)."""
    n, width = len(graph.indices), min(k, graph.k) + 1
    data = graph.distances[:, :width].astype(np.float64).ravel()
    indptr = np.arange(0, n * width + 1, width)
    return sparse.csr_matrix((data, graph.indices[:, :width].ravel(), indptr), shape=(n, n))


def lof_scores(graph: KnnGraph, k: int) -> np.ndarray:
    """The local outlier factor of each row over its k nearest rows (about 1 inside a cluster, larger outside)."""
    from sklearn.neighbors import LocalOutlierFactor

    k = min(k, graph.k)
    lof = LocalOutlierFactor(n_neighbors=k, metric="precomputed").fit(graph_matrix(graph, k))
    return -lof.negative_outlier_factor_.astype(np.float64)


def iforest_scores(X: np.ndarray, *, random_state: int = 0) -> np.ndarray:
    """Isolation forest's anomaly score of each row (0 to 1; higher isolates sooner)."""
    from sklearn.ensemble import IsolationForest

    forest = IsolationForest(n_estimators=100, random_state=random_state).fit(X)
    return -forest.score_samples(X).astype(np.float64)


def find_outliers(X: np.ndarray, *, method: str = BY_NAME["method"].default, k: int = BY_NAME["k"].default,
                  contamination: float = BY_NAME["contamination"].default, graph: KnnGraph | None = None,
                  random_state: int = 0, use_cache: bool = True) -> OutlierResult:
    """Score every row of X; `graph` (the shared neighbour graph) is used when it is cosine and wide enough."""
    if method not in OUTLIER_METHODS:
        raise DataError(f"Unknown outlier method {method!r}. Available: {', '.join(OUTLIER_METHODS)}.")
    X = np.ascontiguousarray(X, dtype=np.float32)
    if method == "iforest":
        if len(X) < 2:
            raise DataError(f"Outliers need at least 2 points; this data has {len(X)}.")
        return OutlierResult(iforest_scores(X, random_state=random_state), method, k, contamination)
    graph = cosine_graph(X, k, graph=graph, use_cache=use_cache)
    scores = graph.kth_distances(k) if method == "knn" else lof_scores(graph, k)
    return OutlierResult(scores, method, min(k, graph.k), contamination)


def _short(text: str) -> str:
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS - 1] + "…"


def why_alone(result: OutlierResult, graph: KnnGraph, labels: Sequence[str], *, top: int = 50,
              neighbours: int = WHY_NEIGHBOURS) -> pd.DataFrame:
    """The `top` most unusual rows, each with its nearest rows and their cosine distances ("why is it alone")."""
    rows = result.ranked[:top]
    near, dists = graph.indices[rows, 1:neighbours + 1], graph.distances[rows, 1:neighbours + 1]
    return pd.DataFrame({
        "rank": np.arange(1, len(rows) + 1), "row": rows, "score": result.scores[rows],
        "text": [_short(str(labels[r])) for r in rows],
        "nearest distance": dists[:, 0] if dists.shape[1] else np.nan,
        "nearest neighbours": [" | ".join(f"{d:.3f} {_short(str(labels[j]))}" for j, d in zip(nn, dd))
                               for nn, dd in zip(near, dists)],
    })


def scores_frame(result: OutlierResult, source_rows: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    """One row per point, in input order: its input row, score, whether it is flagged, and its text."""
    return pd.DataFrame({"row": np.asarray(source_rows, dtype=np.int64), "score": result.scores,
                         "outlier": result.flagged, "text": [str(t) for t in labels]})
