"""The clusterer behind scikit-learn's estimator contract: KMeans, HDBSCAN and agglomerative (see core.maps.clustering)."""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from core.maps.clustering import (
    LINKAGES,
    LOW_DIM,
    MAX_FIT,
    METHODS,
    NOISE,
    ClusteringError,
    _nearest_centre,
    _sample,
    knn_connectivity,
    relabel_by_size,
    suggest_k,
)


class Clusterer(ClusterMixin, BaseEstimator):
    """Cluster rows; the result is in `labels_` (noise = -1 for HDBSCAN).

    n_clusters=None lets KMeans and agglomerative pick k by silhouette over k_min..k_max (None: by the row count).
    """

    silhouette_by_k_: dict[int, float]

    def __init__(self, method: str = "kmeans", n_clusters: int | None = None, k_min: int = 2, k_max: int | None = None,
                 min_cluster_size: int = 15, min_samples: int | None = None, linkage: str = "ward",
                 max_fit: int = MAX_FIT, random_state: int | None = 0) -> None:
        self.method = method
        self.n_clusters = n_clusters
        self.k_min = k_min
        self.k_max = k_max
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.linkage = linkage
        self.max_fit = max_fit
        self.random_state = random_state

    def _validate(self, X: np.ndarray) -> np.ndarray:
        from sklearn.utils.validation import validate_data

        if self.method not in METHODS:
            raise ClusteringError(f"Unknown clustering method '{self.method}'. Choose one of: {', '.join(METHODS)}.")
        if self.linkage not in LINKAGES:
            raise ClusteringError(f"Unknown linkage '{self.linkage}'. Choose one of: {', '.join(LINKAGES)}.")
        if self.min_cluster_size < 2:
            raise ClusteringError("The smallest cluster must have at least 2 points.")
        try:  # 2-D, finite, dense, numeric; sets n_features_in_
            X = validate_data(self, X, dtype=[np.float32, np.float64], ensure_min_samples=2)
        except ValueError as err:
            raise ClusteringError(f"These points cannot be clustered: {err}") from None
        if self.n_clusters is not None and not 1 <= self.n_clusters <= len(X):
            raise ClusteringError(f"Choose between 1 and {len(X)} clusters; got {self.n_clusters}.")
        return np.asarray(X, dtype=np.float32)

    def _k(self, X: np.ndarray) -> int:
        if self.n_clusters is not None:
            return int(self.n_clusters)
        best, self.silhouette_by_k_ = suggest_k(X, k_min=self.k_min, k_max=self.k_max,
                                                random_state=self.random_state)
        return best

    def _fit_labels(self, X: np.ndarray, connectivity) -> np.ndarray:
        from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans

        if self.method == "hdbscan":
            size = max(2, min(self.min_cluster_size, len(X)))
            self.model_ = HDBSCAN(min_cluster_size=size, min_samples=self.min_samples, copy=True)
            return self.model_.fit_predict(X)
        k = self._k(X)
        if self.method == "kmeans":
            self.model_ = KMeans(k, n_init=3, random_state=self.random_state)
            return self.model_.fit_predict(X)
        conn = connectivity if connectivity is not None else knn_connectivity(X)
        self.model_ = AgglomerativeClustering(k, linkage=self.linkage, connectivity=conn)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*connected components.*")
            return self.model_.fit_predict(X)

    def _place_rest(self, X: np.ndarray, rows: np.ndarray, fitted: np.ndarray) -> np.ndarray:
        """Labels for the rows that were not fitted."""
        labels = np.empty(len(X), dtype=np.int64)
        labels[rows] = fitted
        rest = np.setdiff1d(np.arange(len(X)), rows)
        if self.method == "kmeans":
            labels[rest] = self.model_.predict(X[rest])
        elif X.shape[1] <= LOW_DIM:
            from sklearn.neighbors import NearestNeighbors
            nearest = NearestNeighbors(n_neighbors=1).fit(X[rows]).kneighbors(X[rest], return_distance=False)
            labels[rest] = fitted[nearest[:, 0]]
        else:
            labels[rest] = _nearest_centre(X[rows], fitted, X[rest])
        return labels

    def fit(self, X: np.ndarray, y=None, *, connectivity=None) -> Clusterer:
        """Cluster X; `connectivity` (sparse, N x N) guides agglomerative when every row is fitted."""
        X = self._validate(X)
        self.silhouette_by_k_ = {}
        rows = _sample(len(X), self.max_fit, self.random_state)
        sampled = len(rows) < len(X)
        fitted = self._fit_labels(X[rows], None if sampled else connectivity)
        labels = self._place_rest(X, rows, fitted) if sampled else fitted
        self.labels_ = relabel_by_size(np.asarray(labels))
        self.fit_rows_ = rows
        self.n_clusters_ = int(len(set(self.labels_.tolist()) - {NOISE}))
        return self

    def fit_predict(self, X: np.ndarray, y=None, **kwargs) -> np.ndarray:
        return self.fit(X, **kwargs).labels_
