"""Clusters behind scikit-learn's estimator contract: KMeans, HDBSCAN and agglomerative.

Above `max_fit` rows a clusterer is fitted on a seeded sample and the other rows take the label
of their nearest fitted point (or nearest centre, in many dimensions; KMeans uses `predict`).
Labels are renumbered by size (0 = largest); HDBSCAN's noise keeps the label -1. The estimator itself,
`Clusterer`, lives in core.maps.clusterer and is imported on first use: scikit-learn takes seconds to import,
and a map whose clusters are on disk never needs it.
"""
from __future__ import annotations

import numpy as np

from core.errors import DataError

METHODS = ("kmeans", "hdbscan", "agglomerative")
LINKAGES = ("ward", "average", "complete", "single")
NOISE = -1
MAX_FIT = 10_000
SUGGEST_SAMPLE = 2_000  # points used to score each candidate k
K_MAX_SMALL = 12  # the suggested k is looked for up to at least this
K_MAX_CAP = 50  # and up to at most this (each candidate costs a KMeans fit)
DENSE_K = 20  # every k up to this is a candidate; above it, steps of about a tenth
CANDIDATE_INITS = 1  # KMeans starts per candidate k (the chosen k is fitted again with more)
LOW_DIM = 10  # at most this many dimensions: the rest of the rows follow their nearest fitted point
CONNECTIVITY_K = 10


class ClusteringError(DataError, ValueError):
    """Unusable input or settings: a sentence for the user, and a ValueError for scikit-learn's checks."""


def _sample(n: int, size: int, seed: int | None) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed or 0).choice(n, size, replace=False))


def max_suggested_k(n: int) -> int:
    """The largest k the silhouette is asked about: about sqrt(n / 2), at least K_MAX_SMALL, at most K_MAX_CAP."""
    return int(np.clip(round(np.sqrt(n / 2)), K_MAX_SMALL, K_MAX_CAP))


def candidate_ks(k_min: int, k_max: int) -> list[int]:
    """Every k up to DENSE_K, then steps of about a tenth (the gaps are filled around the best one)."""
    dense = list(range(k_min, min(k_max, DENSE_K) + 1))
    if k_max <= DENSE_K:
        return dense
    steps = np.geomspace(max(DENSE_K, k_min), k_max, num=int(np.log(k_max / DENSE_K) / np.log(1.1)) + 2)
    return sorted(set(dense) | {int(round(k)) for k in steps})


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(distances, labels, metric="precomputed")) if len(set(labels)) > 1 else -1.0


def suggest_k(X: np.ndarray, *, k_min: int = 2, k_max: int | None = None, sample: int = SUGGEST_SAMPLE,
              random_state: int | None = 0) -> tuple[int, dict[int, float]]:
    """The KMeans k with the best silhouette over k_min..k_max (on a sample), and each tried k's score.

    k_max defaults to `max_suggested_k` of the row count. Above DENSE_K the candidates step by about a
    tenth, and every k between the best one's neighbours is then tried too.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances
    from threadpoolctl import threadpool_limits

    Xs = X[_sample(len(X), sample, random_state)]
    k_max = min(max_suggested_k(len(X)) if k_max is None else k_max, len(Xs) - 1)
    if k_max < k_min:
        raise ClusteringError(f"Too few points ({len(X)}) to compare cluster counts from {k_min} up.")
    distances = pairwise_distances(Xs)
    scores: dict[int, float] = {}

    def score(ks: list[int]) -> None:
        for k in ks:
            labels = KMeans(k, n_init=CANDIDATE_INITS, random_state=random_state).fit_predict(Xs)
            scores[k] = _silhouette(distances, labels)

    with threadpool_limits(1):  # small fits: on a busy machine, threads made each one about ten times slower
        tried = candidate_ks(k_min, k_max)
        score(tried)
        at = tried.index(max(scores, key=lambda k: (scores[k], -k)))
        score([k for k in range(tried[max(at - 1, 0)], tried[min(at + 1, len(tried) - 1)]) if k not in scores])
    scores = dict(sorted(scores.items()))
    return max(scores, key=lambda k: (scores[k], -k)), scores


def relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Cluster ids renumbered 0, 1, ... from the largest cluster; noise (-1) stays -1."""
    ids, counts = np.unique(labels[labels != NOISE], return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = {int(old): new for new, old in enumerate(order)}
    return np.asarray([mapping.get(int(v), NOISE) for v in labels], dtype=np.int32)


def knn_connectivity(X: np.ndarray, k: int = CONNECTIVITY_K):
    """A sparse k-nearest-neighbour connectivity matrix for agglomerative clustering."""
    from sklearn.neighbors import kneighbors_graph

    return kneighbors_graph(X, n_neighbors=min(k, len(X) - 1), include_self=False)


def _nearest_centre(X_fit: np.ndarray, fitted: np.ndarray, X_new: np.ndarray) -> np.ndarray:
    """Label of the nearest cluster centre (Euclidean) for each new row; noise when there is no cluster."""
    ids = np.unique(fitted[fitted != NOISE])
    if not len(ids):
        return np.full(len(X_new), NOISE)
    centres = np.stack([X_fit[fitted == i].mean(axis=0) for i in ids])
    scores = X_new @ centres.T * -2.0 + (centres ** 2).sum(axis=1)[None, :]
    return ids[np.argmin(scores, axis=1)]


def cluster_scores(X: np.ndarray, labels: np.ndarray, *, sample: int = 5_000, random_state: int = 0,
                   metric: str = "euclidean") -> dict[str, float | None]:
    """Silhouette (higher is better, -1..1) and Davies-Bouldin (lower is better), noise left out."""
    from sklearn.metrics import davies_bouldin_score, silhouette_score

    keep = np.flatnonzero(labels != NOISE)
    keep = keep[_sample(len(keep), sample, random_state)]
    Xs, ls = X[keep], labels[keep]
    if len(set(ls.tolist())) < 2 or len(keep) <= len(set(ls.tolist())):
        return {"silhouette": None, "davies_bouldin": None, "n_scored": float(len(keep))}
    return {"silhouette": float(silhouette_score(Xs, ls, metric=metric)),
            "davies_bouldin": float(davies_bouldin_score(Xs, ls)), "n_scored": float(len(keep))}

