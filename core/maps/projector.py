"""The projector behind scikit-learn's estimator contract (see core.maps.projection, which imports it on first
use: scikit-learn takes seconds to import, and a map read from disk never needs it)."""
from __future__ import annotations

import threading
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from core.errors import DataError
from core.jobs import check
from core.maps import tsne
from core.maps.knn import KnnGraph
from core.maps.settings import FITTED_HERE, METHODS, MIN_ROWS, reducer_args, settings_signature

_SIGNATURE = settings_signature()

class Projector(TransformerMixin, BaseEstimator):
    """Reduce vectors to 2 or 3 dimensions; the result is in `embedding_`."""

    def __init__(self, *args, **kwargs) -> None:
        bound = _SIGNATURE.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    __init__.__signature__ = _SIGNATURE  # type: ignore[attr-defined]  # one parameter per setting, for get_params

    def _validate(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        if self.method not in METHODS:
            raise DataError(f"Unknown projection '{self.method}'. Choose one of: {', '.join(METHODS)}.")
        if self.n_components not in (2, 3):
            raise DataError("Projections have 2 or 3 dimensions.")
        if X.ndim != 2 or len(X) < MIN_ROWS:
            raise DataError(f"A map needs at least {MIN_ROWS} vectors; this data has {len(X)}.")
        if not np.isfinite(X).all():
            raise DataError("Some vectors contain NaN or inf; exclude those rows first.")
        return X

    def _build(self, n_rows: int, knn: KnnGraph | None = None, cancel: threading.Event | None = None):
        if self.method == "pca":
            from sklearn.decomposition import PCA
            return PCA(n_components=self.n_components, random_state=self.random_state)
        perplexity = min(self.perplexity, (n_rows - 1) / 3)
        if self.method == "tsne":
            return tsne._tsne(self.n_components, perplexity, self.metric, self.random_state, cancel)
        from core.maps.numba_cache import enable
        enable()
        import umap
        n_neighbors = min(self.n_neighbors, n_rows - 1)
        extra = {"precomputed_knn": knn.umap_knn(n_neighbors)} if knn is not None else {}
        return umap.UMAP(n_components=self.n_components, n_neighbors=n_neighbors, metric=self.metric,
                         random_state=self.random_state, n_jobs=1 if self.random_state is not None else -1,
                         **reducer_args(self, "umap"), **extra)

    def fit(self, X: np.ndarray, y=None, *, knn: KnnGraph | None = None,
            cancel: threading.Event | None = None) -> Projector:
        """Fit on X; UMAP reuses `knn` (X's neighbour graph, at least n_neighbors wide) when given. A set `cancel`
        stops t-SNE within a few iterations (raising Cancelled); the other methods check it after the fit."""
        X = self._validate(X)
        if knn is not None and (len(knn.indices) != len(X) or knn.indices.shape[1] < min(self.n_neighbors, len(X) - 1)):
            knn = None  # a graph for other rows or too narrow: let UMAP compute its own
        self.reducer_ = self._build(len(X), knn if self.method == "umap" else None, cancel)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*knn_search_index.*")
            self.embedding_ = np.asarray(self.reducer_.fit_transform(X), dtype=np.float32)
        check(cancel)
        FITTED_HERE.add(self.method)
        return self

    def use_layout(self, coords: np.ndarray) -> None:
        """Take `coords` as the fitted rows' places (a refined layout of them), so `transform` places new rows
        where these put their neighbours."""
        self.embedding_ = np.asarray(coords, dtype=np.float32)
        if self.method == "umap":
            self.reducer_.embedding_ = self.embedding_

    def fit_transform(self, X: np.ndarray, y=None, **fit_params) -> np.ndarray:
        return self.fit(X).embedding_

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Place new vectors on a fitted map (UMAP and PCA; t-SNE has no transform)."""
        check_is_fitted(self, "reducer_")
        if not hasattr(self.reducer_, "transform"):
            raise DataError("t-SNE cannot place new points on an existing map; use UMAP or PCA.")
        if self.method == "umap":
            from core.maps.umap_fast import install
            install()
        return np.asarray(self.reducer_.transform(np.asarray(X, dtype=np.float32)), dtype=np.float32)
