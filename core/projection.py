"""2D/3D projections (UMAP, t-SNE, PCA) behind scikit-learn's estimator contract, cached on disk."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from core.errors import DataError
from core.hashing import hash_array, hash_params
from core.paths import data_dir

METHODS = ("umap", "tsne", "pca")
METRICS = ("cosine", "euclidean", "manhattan")
MIN_ROWS = 5


@dataclass(frozen=True)
class ProjectionParams:
    """Everything that determines a projection; hashed into the cache key."""

    method: str = "umap"
    n_components: int = 2
    n_neighbors: int = 15
    min_dist: float = 0.1
    perplexity: float = 30.0
    metric: str = "cosine"
    random_state: int = 42


class Projector(TransformerMixin, BaseEstimator):
    """Reduce vectors to 2 or 3 dimensions; the result is in `embedding_`."""

    def __init__(self, method: str = "umap", n_components: int = 2, n_neighbors: int = 15, min_dist: float = 0.1,
                 perplexity: float = 30.0, metric: str = "cosine", random_state: int | None = 42) -> None:
        self.method = method
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.perplexity = perplexity
        self.metric = metric
        self.random_state = random_state

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

    def _build(self, n_rows: int):
        if self.method == "pca":
            from sklearn.decomposition import PCA
            return PCA(n_components=self.n_components, random_state=self.random_state)
        if self.method == "tsne":
            from sklearn.manifold import TSNE
            return TSNE(n_components=self.n_components, perplexity=min(self.perplexity, (n_rows - 1) / 3),
                        metric=self.metric, init="pca", random_state=self.random_state)
        import umap
        return umap.UMAP(n_components=self.n_components, n_neighbors=min(self.n_neighbors, n_rows - 1),
                         min_dist=self.min_dist, metric=self.metric, random_state=self.random_state,
                         n_jobs=1 if self.random_state is not None else -1)

    def fit(self, X: np.ndarray, y=None) -> "Projector":
        X = self._validate(X)
        self.reducer_ = self._build(len(X))
        self.embedding_ = np.asarray(self.reducer_.fit_transform(X), dtype=np.float32)
        return self

    def fit_transform(self, X: np.ndarray, y=None, **fit_params) -> np.ndarray:
        return self.fit(X).embedding_

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Place new vectors on a fitted map (UMAP and PCA; t-SNE has no transform)."""
        check_is_fitted(self, "reducer_")
        if not hasattr(self.reducer_, "transform"):
            raise DataError("t-SNE cannot place new points on an existing map; use UMAP or PCA.")
        return np.asarray(self.reducer_.transform(np.asarray(X, dtype=np.float32)), dtype=np.float32)


def projection_cache_path(vectors: np.ndarray, params: ProjectionParams) -> Path:
    """Where the coordinates for these vectors and parameters are kept."""
    folder = data_dir() / "projections"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{hash_array(vectors)}-{hash_params(asdict(params))}.npy"


def project(vectors: np.ndarray, params: ProjectionParams, *, use_cache: bool = True) -> np.ndarray:
    """Coordinates (N x n_components), from the disk cache when these exact inputs were seen before."""
    path = projection_cache_path(vectors, params) if use_cache else None
    if path is not None and path.exists():
        return np.load(path, allow_pickle=False)
    coords = Projector(**asdict(params)).fit_transform(vectors)
    if path is not None:
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, coords, allow_pickle=False)
        tmp.replace(path)  # atomic: a killed process never leaves half a file
    return coords


def is_cached(vectors: np.ndarray, params: ProjectionParams) -> bool:
    """Whether `project` would answer from disk."""
    return projection_cache_path(vectors, params).exists()


def warm_up_umap(metric: str = "cosine") -> None:
    """Compile UMAP's numba kernels for `metric` once per process, on a tiny random fit."""
    rng = np.random.default_rng(0)
    Projector("umap", n_neighbors=5, metric=metric).fit(rng.normal(size=(64, 8)).astype(np.float32))


def trustworthiness_score(X: np.ndarray, Y: np.ndarray, *, k: int = 10, sample: int = 2000,
                          metric: str = "cosine", random_state: int = 0) -> float:
    """How well the map keeps neighbourhoods (1 = perfectly), on a random sample for large N."""
    from sklearn.manifold import trustworthiness

    if len(X) > sample:
        idx = np.random.default_rng(random_state).choice(len(X), sample, replace=False)
        X, Y = X[idx], Y[idx]
    k = max(1, min(k, len(X) // 2 - 1))
    return float(trustworthiness(X, Y, n_neighbors=k, metric=metric))
