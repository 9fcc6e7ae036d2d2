"""How faithful a map is to the original space, overall and for every point.

- kNN preservation: the share of a point's k nearest neighbours in the original space that are
  still among its k nearest on the map (1 = all kept; a random map keeps about k / (N - 1)).
- Trustworthiness (Venna & Kaski 2001, as in scikit-learn): penalises map neighbours that are far
  in the original space. Per point it is the same sum, split by point; its mean over all points
  equals scikit-learn's `trustworthiness`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import DataError
from core.maps.knn import KnnGraph
from core.vectors import unit_rows

DEFAULT_K = 10
TRUST_ALL_LIMIT = 10_000  # up to this many points every point is scored; above, a seeded sample
TRUST_SAMPLE = 2_000
_VALUES_PER_CHUNK = 2 ** 24


def map_neighbours(coords: np.ndarray, k: int) -> np.ndarray:
    """N x k indices of each point's nearest other points on the map (Euclidean, exact)."""
    from sklearn.neighbors import NearestNeighbors

    coords = np.asarray(coords, dtype=np.float64)
    k = min(k, len(coords) - 1)
    found = NearestNeighbors(n_neighbors=k + 1).fit(coords).kneighbors(coords, return_distance=False)
    return _drop_self(found, k)


def _drop_self(found: np.ndarray, k: int) -> np.ndarray:
    """Each row's neighbours without the row itself (wherever a tie put it), k per row."""
    rows = np.arange(len(found))[:, None]
    keep = found != rows
    keep[keep.sum(axis=1) > k, -1] = False  # self was absent: drop the farthest instead
    return found[keep].reshape(len(found), k)


def neighbour_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, the share of the k indices in `a` that are also in `b` (both N x k)."""
    if a.shape != b.shape:
        raise DataError("Both neighbour lists must hold the same number of neighbours per point.")
    hits = (a[:, :, None] == b[:, None, :]).any(axis=2)
    return hits.mean(axis=1)


def knn_preservation(original: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Per point, the share of its original-space neighbours (N x k indices) still its neighbours on the map."""
    return neighbour_overlap(original, map_neighbours(coords, original.shape[1]))


def _trust_scale(n: int, k: int) -> float:
    return 2.0 / (k * (2.0 * n - 3.0 * k - 1.0))


def _original_ranks(dist: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """1-based rank of each target's distance within its row (the count of strictly closer points, plus one)."""
    ordered = np.sort(dist, axis=1)
    return 1 + np.stack([np.searchsorted(row, t, side="left") for row, t in zip(ordered, targets)])


class _Distances:
    """Distances from chosen rows to every row, with the per-row work (norms) done once."""

    def __init__(self, X: np.ndarray, metric: str) -> None:
        self.X, self.metric = np.asarray(X, dtype=np.float32), metric
        if metric == "cosine":
            self.unit = unit_rows(self.X)
        elif metric == "euclidean":
            self.sq = (self.X.astype(np.float64) ** 2).sum(axis=1)

    def rows(self, chunk: np.ndarray) -> np.ndarray:
        if self.metric == "cosine":
            return 1.0 - self.unit[chunk] @ self.unit.T
        if self.metric == "euclidean":
            sq = self.sq[chunk, None] + self.sq[None, :] - 2.0 * (self.X[chunk] @ self.X.T)
            return np.sqrt(np.maximum(sq, 0.0)).astype(np.float32)
        from sklearn.metrics import pairwise_distances
        return pairwise_distances(self.X[chunk], self.X, metric=self.metric).astype(np.float32)


def per_point_trustworthiness(X: np.ndarray, Y: np.ndarray, *, k: int = DEFAULT_K, metric: str = "cosine",
                              rows: np.ndarray | None = None) -> np.ndarray:
    """Trustworthiness of each point in `rows` (all by default), ranks taken against every point."""
    n = len(X)
    if not 1 <= k < n / 2:
        raise DataError(f"Trustworthiness needs k below half the number of points ({n}); got k = {k}.")
    rows = np.arange(n) if rows is None else np.asarray(rows)
    neighbours = map_neighbours(Y, k)[rows]
    out = np.empty(len(rows), dtype=np.float64)
    distances = _Distances(X, metric)
    step = max(1, _VALUES_PER_CHUNK // n)
    for start in range(0, len(rows), step):
        chunk = rows[start:start + step]
        dist = distances.rows(chunk)
        dist[np.arange(len(chunk)), chunk] = np.inf  # a point is not its own neighbour
        ranks = _original_ranks(dist, np.take_along_axis(dist, neighbours[start:start + step], axis=1))
        out[start:start + step] = 1.0 - _trust_scale(n, k) * np.clip(ranks - k, 0, None).sum(axis=1)
    return out


@dataclass
class Faithfulness:
    """Per-point and overall faithfulness of one map."""

    k: int
    preservation: np.ndarray  # N, share of original neighbours kept on the map
    trust: np.ndarray  # N, per-point trustworthiness; NaN where not scored
    trust_rows: np.ndarray  # rows whose trustworthiness was scored
    exact_neighbours: bool  # whether the original-space neighbours are exact (else NN-descent)

    @property
    def scored(self) -> np.ndarray:
        """Rows whose kNN preservation was measured (all, or a stated sample of a large map: NaN elsewhere)."""
        return np.flatnonzero(~np.isnan(self.preservation))

    @property
    def preservation_mean(self) -> float:
        return float(self.preservation[self.scored].mean())

    @property
    def trust_mean(self) -> float:
        return float(np.nanmean(self.trust[self.trust_rows]))

    @property
    def chance(self) -> float:
        """The kNN preservation a random map would get on average."""
        return self.k / (len(self.scored) - 1)

    @property
    def sampled(self) -> bool:
        return len(self.trust_rows) < len(self.trust)


def trust_rows(n: int, *, limit: int = TRUST_ALL_LIMIT, sample: int = TRUST_SAMPLE, seed: int = 0) -> np.ndarray:
    """Every row when there are few, else a seeded sample."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))


def faithfulness(X: np.ndarray, coords: np.ndarray, graph: KnnGraph, *, k: int = DEFAULT_K,
                 limit: int = TRUST_ALL_LIMIT, sample: int = TRUST_SAMPLE) -> Faithfulness:
    """Both measures for one map, reading original-space neighbours from the shared graph."""
    k = max(1, min(k, graph.k, (len(X) - 1) // 2))
    preservation = knn_preservation(graph.neighbours(k), coords)
    rows = trust_rows(len(X), limit=limit, sample=sample)
    trust = np.full(len(X), np.nan)
    trust[rows] = per_point_trustworthiness(X, coords, k=k, metric=graph.metric, rows=rows)
    return Faithfulness(k, preservation, trust, rows, graph.exact)
