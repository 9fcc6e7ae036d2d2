"""2D/3D projections (UMAP, t-SNE, PCA) behind scikit-learn's estimator contract, cached on disk.

UMAP reads a precomputed k-nearest-neighbour graph (core.knn) and, above `MAX_FIT` rows, is
fitted on a seeded sample with the other rows placed by `transform`. t-SNE runs on openTSNE
(measured faster here than scikit-learn's TSNE; see `bench`), with scikit-learn as the fallback.
"""
from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from core.disk_cache import load_or_compute, single
from core.errors import DataError
from core.hashing import hash_array, hash_params
from core.jobs import check
from core.maps.knn import KnnGraph, build_knn_graph, knn_graph
from core.maps.settings import METHODS, ProjectionParams, reducer_args, settings_signature
from core.paths import data_dir

MIN_ROWS = 5
MAX_FIT = int(os.environ.get("EE_MAX_FIT", 20_000))  # UMAP rows fitted; the rest are placed with transform
GRAPH_MIN_K = 16  # the shared neighbour graph holds at least this many neighbours (faithfulness uses 10)
TRANSFORM_CHUNK = 50_000
CANCEL_EVERY = 10  # t-SNE iterations between looks at the cancel flag
_SIGNATURE = settings_signature()
FITTED_HERE: set[str] = set()  # methods fitted in this process (the first UMAP compiles its kernels)


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
            return _tsne(self.n_components, perplexity, self.metric, self.random_state, cancel)
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


class _OpenTSNE:
    """openTSNE behind `fit_transform`; it has no `transform`, like scikit-learn's TSNE."""

    def __init__(self, **params) -> None:
        self.params = params

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        from openTSNE import TSNE

        method = "bh" if self.params["n_components"] == 3 or len(X) < 10_000 else "fft"
        return np.asarray(TSNE(negative_gradient_method=method, initialization="pca", n_jobs=1,
                               verbose=False, **self.params).fit(X))


def tsne_engine() -> str:
    """The t-SNE the app runs: openTSNE (measured faster here at equal trustworthiness, and it can be cancelled
    mid-run), or scikit-learn's when openTSNE is not installed."""
    try:
        import openTSNE  # noqa: F401
    except ImportError:
        return "scikit-learn"
    return "openTSNE"


def _tsne(n_components: int, perplexity: float, metric: str, random_state: int | None,
          cancel: threading.Event | None = None):
    """`tsne_engine()`'s TSNE; openTSNE stops within CANCEL_EVERY iterations of `cancel` being set."""
    if tsne_engine() == "scikit-learn":
        from sklearn.manifold import TSNE
        return TSNE(n_components=n_components, perplexity=perplexity, metric=metric, init="pca",
                    random_state=random_state)
    stop = {} if cancel is None else {"callbacks": lambda *_: cancel.is_set(), "callbacks_every_iters": CANCEL_EVERY}
    return _OpenTSNE(n_components=n_components, perplexity=perplexity, metric=metric, random_state=random_state,
                     **stop)


def graph_k(params: ProjectionParams) -> int:
    """Width of the shared neighbour graph for these parameters."""
    return max(params.n_neighbors, GRAPH_MIN_K)


def neighbour_graph(vectors: np.ndarray, params: ProjectionParams, *, vectors_hash: str | None = None,
                    use_cache: bool = True) -> KnnGraph:
    """The shared neighbour graph these parameters read (UMAP, clusters, faithfulness, neighbour panels)."""
    return knn_graph(vectors, graph_k(params), metric=params.metric, use_cache=use_cache, vectors_hash=vectors_hash)


@dataclass
class FittedMap:
    """A map of every row, and the projector that placed them (fitted on `fit_rows`; None when read from disk)."""

    coords: np.ndarray
    projector: Projector | None
    fit_rows: np.ndarray

    @property
    def sampled(self) -> bool:
        return len(self.fit_rows) < len(self.coords)


def fit_sample(n_rows: int, max_fit: int, seed: int | None) -> np.ndarray:
    """Sorted row numbers of a seeded random sample of at most `max_fit` rows."""
    if n_rows <= max_fit:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed or 0).choice(n_rows, max_fit, replace=False))


def _fit_rows(n_rows: int, params: ProjectionParams, max_fit: int) -> np.ndarray:
    """The rows a projection is fitted on: a sample for UMAP above `max_fit`, else every row."""
    return fit_sample(n_rows, max_fit, params.random_state) if params.method == "umap" else np.arange(n_rows)


def fit_projection(vectors: np.ndarray, params: ProjectionParams, *, knn: KnnGraph | None = None,
                   max_fit: int = MAX_FIT, cancel: threading.Event | None = None) -> FittedMap:
    """Fit the projection; UMAP above `max_fit` rows is fitted on a sample and places the rest.

    `knn` is the shared graph of all rows; UMAP reuses it when it fits on every row. A set `cancel`
    stops the work at the next step (raising Cancelled).
    """
    X = np.asarray(vectors, dtype=np.float32)
    projector = Projector(**asdict(params))
    rows = _fit_rows(len(X), params, max_fit)
    if len(rows) == len(X):
        if params.method == "umap" and knn is None and len(X) > MIN_ROWS:
            knn = neighbour_graph(X, params)
        projector.fit(X, knn=knn, cancel=cancel)
        return FittedMap(projector.embedding_, projector, rows)
    # 1. fit on the sample, with the sample's own graph (its index then places the other rows)
    sample = np.ascontiguousarray(X[rows])
    projector.fit(sample, knn=build_knn_graph(sample, graph_k(params), metric=params.metric), cancel=cancel)
    check(cancel)
    # 2. place every other row with transform, in chunks (bounded memory)
    coords = np.empty((len(X), params.n_components), dtype=np.float32)
    coords[rows] = projector.embedding_
    rest = np.setdiff1d(np.arange(len(X)), rows)
    for start in range(0, len(rest), TRANSFORM_CHUNK):
        chunk = rest[start:start + TRANSFORM_CHUNK]
        coords[chunk] = projector.transform(X[chunk])
        check(cancel)
    return FittedMap(coords, projector, rows)


def projection_cache_path(vectors: np.ndarray, params: ProjectionParams, *, max_fit: int = MAX_FIT,
                          vectors_hash: str | None = None) -> Path:
    """Where the coordinates for these vectors (whose content hash may be known) and parameters are kept."""
    folder = data_dir() / "projections"
    folder.mkdir(parents=True, exist_ok=True)
    key = asdict(params)
    if params.method == "umap":  # UMAP's result also depends on the graph and the fit sample
        key |= {"knn": f"shared-{GRAPH_MIN_K}", "max_fit": min(max_fit, len(vectors))}
    return folder / f"{vectors_hash or hash_array(vectors)}-{hash_params(key)}.npy"


def project_map(vectors: np.ndarray, params: ProjectionParams, *, graph: Callable[[], KnnGraph] | None = None,
                vectors_hash: str | None = None, use_cache: bool = True, max_fit: int = MAX_FIT,
                cancel: threading.Event | None = None) -> FittedMap:
    """The map of `vectors`: from disk when these exact inputs were seen before, else fitted and kept on disk.

    UMAP fitted on every row reuses `graph()`, the shared neighbour graph. A set `cancel` stops the
    work between steps and discards a finished fit, so nothing is written (raises Cancelled).
    """
    path = projection_cache_path(vectors, params, max_fit=max_fit, vectors_hash=vectors_hash) if use_cache else None

    def fit() -> FittedMap:
        shared = graph() if graph is not None and params.method == "umap" else None
        check(cancel)
        fitted = fit_projection(vectors, params, knn=shared, max_fit=max_fit, cancel=cancel)
        check(cancel)
        return fitted

    return load_or_compute(path, fit, to_arrays=lambda fitted: fitted.coords,
                           from_arrays=lambda coords: FittedMap(single(coords), None, _fit_rows(len(coords), params, max_fit)))


def project(vectors: np.ndarray, params: ProjectionParams, *, use_cache: bool = True, max_fit: int = MAX_FIT) -> np.ndarray:
    """Coordinates (N x n_components), from the disk cache when these exact inputs were seen before."""
    return project_map(vectors, params, use_cache=use_cache, max_fit=max_fit).coords


def is_cached(vectors: np.ndarray, params: ProjectionParams, *, max_fit: int = MAX_FIT,
              vectors_hash: str | None = None) -> bool:
    """Whether `project_map` would answer from disk."""
    return projection_cache_path(vectors, params, max_fit=max_fit, vectors_hash=vectors_hash).exists()


def warm_up_umap(metric: str = "cosine") -> None:
    """Compile UMAP's numba kernels for `metric` once per process, on a tiny random fit."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 8)).astype(np.float32)
    Projector("umap", n_neighbors=5, metric=metric).fit(X, knn=build_knn_graph(X, 5, metric=metric))


def trustworthiness_score(X: np.ndarray, Y: np.ndarray, *, k: int = 10, sample: int = 2000,
                          metric: str = "cosine", random_state: int = 0) -> float:
    """How well the map keeps neighbourhoods (1 = perfectly), on a random sample for large N."""
    from sklearn.manifold import trustworthiness

    if len(X) > sample:
        idx = np.random.default_rng(random_state).choice(len(X), sample, replace=False)
        X, Y = X[idx], Y[idx]
    k = max(1, min(k, len(X) // 2 - 1))
    return float(trustworthiness(X, Y, n_neighbors=k, metric=metric))
