"""2D/3D projections (UMAP, t-SNE, PCA) behind scikit-learn's estimator contract, cached on disk.

UMAP reads a precomputed k-nearest-neighbour graph (core.knn) and, above `MAX_FIT` rows, is
fitted on a seeded sample with the other rows placed by `transform`. t-SNE runs on openTSNE
(measured faster here than scikit-learn's TSNE; see `bench`), with scikit-learn as the fallback.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.disk_cache import load_or_compute, single
from core.hashing import hash_array, hash_params
from core.jobs import JobProgress, check
from core.maps.knn import KnnGraph, build_knn_graph, knn_graph
from core.maps.large import is_large
from core.maps.refine import REDUCED_DIMS, REDUCIBLE_METRICS, REFINE_EPOCHS, reduced_graph
from core.maps.settings import MIN_ROWS, ProjectionParams
from core.paths import data_dir

if TYPE_CHECKING:
    from core.maps.projector import Projector

MAX_FIT = int(os.environ.get("EE_MAX_FIT", 20_000))  # UMAP rows fitted; the rest are placed with transform
GRAPH_MIN_K = 16  # the shared neighbour graph holds at least this many neighbours (faithfulness uses 10)
TRANSFORM_CHUNK = 50_000


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
                   graph: Callable[[], KnnGraph] | None = None, max_fit: int = MAX_FIT,
                   cancel: threading.Event | None = None, progress: JobProgress | None = None) -> FittedMap:
    """Fit the projection; UMAP above `max_fit` rows is fitted on a sample, places the rest and, given `graph`,
    is refined with every row's neighbours (core.maps.refine).

    `knn` (or `graph()`) is the shared graph of all rows; UMAP reuses it when it fits on every row. A set `cancel`
    stops the work at the next step (raising Cancelled); `progress` hears of each placed chunk.
    """
    from core.maps.projector import Projector

    X = np.asarray(vectors, dtype=np.float32)
    rows = _fit_rows(len(X), params, max_fit)
    if len(rows) == len(X):
        projector = Projector(**asdict(params))
        if params.method == "umap" and knn is None and len(X) > MIN_ROWS:
            knn = graph() if graph is not None else neighbour_graph(X, params)
        projector.fit(X, knn=knn, cancel=cancel)
        return FittedMap(projector.embedding_, projector, rows)
    projector = fit_on_rows(X, rows, params, cancel=cancel)
    coords = np.empty((len(X), params.n_components), dtype=np.float32)
    coords[rows] = projector.embedding_
    rest = np.setdiff1d(np.arange(len(X)), rows)
    coords[rest] = place_rows(projector, X, rest, cancel=cancel, progress=progress)
    if graph is not None and params.method == "umap":
        coords = _refined(coords, knn or graph(), projector, rows, params, cancel=cancel, progress=progress)
    return FittedMap(coords, projector, rows)


def _refined(coords: np.ndarray, knn: KnnGraph, projector: Projector, rows: np.ndarray, params: ProjectionParams,
             *, cancel: threading.Event | None, progress: JobProgress | None) -> np.ndarray:
    """The sampled map refined with every row's neighbours; the projector then places new rows on it."""
    from core.maps.refine import refine_layout

    check(cancel)
    if progress is not None:
        progress.status(f"Letting each of the {len(coords):,} points settle among its neighbours")
    refined = refine_layout(coords, knn, projector.reducer_, n_neighbors=params.n_neighbors,
                            seed=params.random_state)
    check(cancel)
    projector.use_layout(refined[rows])
    return refined


def fit_on_rows(X: np.ndarray, rows: np.ndarray, params: ProjectionParams, *,
                cancel: threading.Event | None = None) -> Projector:
    """A projector fitted on X's `rows` (a sample), with the sample's own graph (its index places other rows)."""
    from core.maps.projector import Projector

    projector = Projector(**asdict(params))
    sample = np.ascontiguousarray(X[rows], dtype=np.float32)
    projector.fit(sample, knn=build_knn_graph(sample, graph_k(params), metric=params.metric), cancel=cancel)
    check(cancel)
    return projector


def place_rows(projector: Projector, X: np.ndarray, rows: np.ndarray, *, cancel: threading.Event | None = None,
               progress: JobProgress | None = None) -> np.ndarray:
    """Map coordinates of X's `rows`, placed by `transform` in chunks (bounded memory)."""
    coords = np.empty((len(rows), projector.n_components), dtype=np.float32)
    if progress is not None:
        progress.status("Placing the other points on the map")
    for start in range(0, len(rows), TRANSFORM_CHUNK):
        chunk = rows[start:start + TRANSFORM_CHUNK]
        coords[start:start + len(chunk)] = projector.transform(X[chunk])
        check(cancel)
        if progress is not None:
            progress.step(start + len(chunk), len(rows))
    return coords


def projection_cache_path(vectors: np.ndarray, params: ProjectionParams, *, max_fit: int = MAX_FIT,
                          vectors_hash: str | None = None) -> Path:
    """Where the coordinates for these vectors (whose content hash may be known) and parameters are kept."""
    folder = data_dir() / "projections"
    folder.mkdir(parents=True, exist_ok=True)
    key = asdict(params)
    if params.method == "umap":  # UMAP's result also depends on the graph and the fit sample
        key |= {"knn": f"shared-{GRAPH_MIN_K}", "max_fit": min(max_fit, len(vectors)), "refine": REFINE_EPOCHS,
                "reduced": REDUCED_DIMS if is_large(len(vectors)) else None}
    return folder / f"{vectors_hash or hash_array(vectors)}-{hash_params(key)}.npy"


def refines(n_rows: int, params: ProjectionParams, max_fit: int = MAX_FIT) -> bool:
    """Whether a map of `n_rows` is refined with every row's neighbours after its sampled fit (core.maps.refine):
    sampled UMAP fits, above LARGE_ROWS rows only for metrics that principal components keep."""
    sampled = params.method == "umap" and n_rows > max_fit
    return sampled and (not is_large(n_rows) or params.metric in REDUCIBLE_METRICS)


def refinement_graph(vectors: np.ndarray, params: ProjectionParams, *, max_fit: int, vectors_hash: str | None,
                     use_cache: bool) -> Callable[[], KnnGraph] | None:
    """Where a UMAP map's neighbour graph of every row comes from: the shared graph up to LARGE_ROWS rows, above
    it one found among principal components (core.maps.refine), when the map is refined."""
    if not is_large(len(vectors)):
        return lambda: neighbour_graph(vectors, params, vectors_hash=vectors_hash, use_cache=use_cache)
    if not refines(len(vectors), params, max_fit):
        return None
    sample = fit_sample(len(vectors), max_fit, params.random_state)
    return lambda: reduced_graph(vectors, sample, graph_k(params), params.metric)


def project_map(vectors: np.ndarray, params: ProjectionParams, *, graph: Callable[[], KnnGraph] | None = None,
                vectors_hash: str | None = None, use_cache: bool = True, max_fit: int = MAX_FIT,
                cancel: threading.Event | None = None, progress: JobProgress | None = None) -> FittedMap:
    """The map of `vectors`: from disk when these exact inputs were seen before, else fitted and kept on disk.

    UMAP reuses `graph()`, the shared neighbour graph (`refinement_graph` when not given): to fit on every row,
    or to refine a sampled fit. A set `cancel` stops the work between steps and discards a
    finished fit, so nothing is written (raises Cancelled).
    """
    path = projection_cache_path(vectors, params, max_fit=max_fit, vectors_hash=vectors_hash) if use_cache else None
    if graph is None and params.method == "umap":
        graph = refinement_graph(vectors, params, max_fit=max_fit, vectors_hash=vectors_hash, use_cache=use_cache)

    def fit() -> FittedMap:
        fitted = fit_projection(vectors, params, graph=graph, max_fit=max_fit, cancel=cancel, progress=progress)
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
    from core.maps.projector import Projector

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

