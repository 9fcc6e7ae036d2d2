"""The map service: vectors -> neighbour graph -> projection -> clusters -> faithfulness, in one place.

It owns each step's key, the in-memory memo shared by a server's sessions, the disk cache (through
each step's `*_cache_path`), the background job pool and the preview policy. The CLI and the bench
run `build_map`; the pages reach the same steps through the caching seam in `components/`, which
only adds spinners (`announce`) and session state.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.disk_cache import load_or_compute
from core.hashing import hash_array
from core.jobs import Job, JobPool, JobProgress, check
from core.maps import derived_cache, pace
from core.maps.clusters import ClusterResult, ClusterSpec, cluster_map
from core.maps.faithfulness import DEFAULT_K, Faithfulness
from core.maps.faithfulness import faithfulness as measure_faithfulness
from core.maps.knn import EXACT_LIMIT, KnnGraph
from core.maps.large import is_large, sampled_faithfulness
from core.maps.projection import (
    MAX_FIT,
    FittedMap,
    ProjectionParams,
    fit_on_rows,
    fit_sample,
    graph_k,
    neighbour_graph,
    project_map,
    projection_cache_path,
)
from core.maps.settings import FITTED_HERE, METHOD_LABELS
from core.memo import Memo

if TYPE_CHECKING:
    from core.maps.projector import Projector

PREVIEW_METHOD = "pca"  # the map drawn at once while the chosen projection computes
EXTRAS_AT_ONCE = 10_000  # up to this many rows, a map's clusters and faithfulness are computed before it is drawn
WAIT_S = 10.0  # a projection estimated to take this long or less is waited for behind a spinner, off the map page
ABANDONED_S = 20.0  # a background projection that no caller has waited for this long is cancelled
Announce = Callable[[str], AbstractContextManager]  # shows a message while a step computes (a spinner in the UI)
Log = Callable[[str], None]


def _quietly(_message: str) -> AbstractContextManager:
    return contextlib.nullcontext()


def load_estimators() -> None:
    """Import the projector and the clusterer (and scikit-learn with them) in this thread, before a background job
    needs them: a map read from disk never imports them, and two threads importing scikit-learn at once can see
    it half initialised."""
    import core.maps.clusterer  # noqa: F401
    import core.maps.projector  # noqa: F401


@dataclass(frozen=True, eq=False)
class MapData:
    """The vectors a map is made of, their content hash (every key starts with it) and each row's text."""

    vectors: np.ndarray
    vectors_hash: str
    texts: Sequence[str]

    @classmethod
    def of(cls, vectors: np.ndarray, texts: Sequence[str], *, vectors_hash: str | None = None) -> MapData:
        X = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(X, vectors_hash if vectors_hash and X is vectors else hash_array(X), texts)

    def __len__(self) -> int:
        return len(self.vectors)


@dataclass
class MapState:
    """The coordinates to draw now: the chosen projection, or a quick preview while `job` computes it."""

    coords: np.ndarray
    params: ProjectionParams
    job: Job | None = None
    cancelled: bool = False
    expected_s: float = 0.0  # what the job was estimated to take on this machine

    @property
    def preview(self) -> bool:
        return self.job is not None or self.cancelled


@dataclass
class Extras:
    """A drawn map's clusters and faithfulness, or the job computing them after the map is drawn."""

    clusters: ClusterResult | None
    faith: Faithfulness | None
    job: Job | None = None
    expected_s: float = 0.0
    skipped: bool = False  # the caller stopped waiting for them


# Each step's key: the only place where they are spelled.
def graph_key(data: MapData, params: ProjectionParams) -> tuple:
    return ("knn", data.vectors_hash, params.metric, graph_k(params))


def projection_key(data: MapData, params: ProjectionParams) -> tuple:
    return ("projection", data.vectors_hash, params)


def fitted_key(data: MapData, params: ProjectionParams) -> tuple:
    return ("fitted", data.vectors_hash, params)


def clusters_key(data: MapData, params: ProjectionParams, spec: ClusterSpec) -> tuple:
    return ("clusters", data.vectors_hash, params, spec)


def faith_key(data: MapData, params: ProjectionParams) -> tuple:
    return ("faith", data.vectors_hash, params)


def job_key(data: MapData, params: ProjectionParams) -> Hashable:
    return projection_key(data, params)


def extras_key(data: MapData, params: ProjectionParams, spec: ClusterSpec | None) -> Hashable:
    return ("extras", data.vectors_hash, params, spec)


def _graph_note(n_rows: int) -> str:
    return " The first time on this machine also compiles NN-descent (about 40 s)." if n_rows > EXACT_LIMIT else ""


def _fit_note(params: ProjectionParams) -> str:
    return " The first UMAP on this machine also compiles its kernels (about 30 s)." if params.method == "umap" else ""


class MapService:
    """The map's steps, each computed once per key for every caller of this service (a server's sessions)."""

    def __init__(self, *, use_cache: bool = True, max_fit: int = MAX_FIT, workers: int = 1) -> None:
        self.use_cache, self.max_fit = use_cache, max_fit
        # graphs and fitted projectors can be large (100k rows): few of them; coordinates are small
        self.memos = {"graph": Memo(4), "projection": Memo(32), "fitted": Memo(4), "derived": Memo(24)}
        self.pool = JobPool(workers=workers)
        self.waited: dict[Hashable, float] = {}  # job key -> when a caller last waited for it
        self.watchdog: threading.Thread | None = None

    # 1. the shared neighbour graph
    def graph(self, data: MapData, params: ProjectionParams, *, announce: Announce = _quietly) -> KnnGraph:
        """The neighbour graph that UMAP, clusters, faithfulness and the neighbour panels read."""
        def compute() -> KnnGraph:
            with announce(f"Finding the {graph_k(params)} nearest neighbours of each of {len(data):,} points…"
                          f"{_graph_note(len(data))}"):
                return neighbour_graph(data.vectors, params, vectors_hash=data.vectors_hash, use_cache=self.use_cache)

        return self.memos["graph"].get_or_make(graph_key(data, params), compute)

    # 2. the projection, from memory, from disk, or fitted
    def _fit(self, data: MapData, params: ProjectionParams, *, use_cache: bool, cancel: threading.Event | None = None,
             announce: Announce = _quietly, progress: JobProgress | None = None) -> FittedMap:
        cold, start = params.method not in FITTED_HERE, time.perf_counter()
        graph = None if is_large(len(data)) else lambda: self.graph(data, params, announce=announce)
        fitted = project_map(data.vectors, params, graph=graph, vectors_hash=data.vectors_hash, use_cache=use_cache,
                             max_fit=self.max_fit, cancel=cancel, progress=progress)
        if fitted.projector is not None:  # fitted now, not read from disk: its time says how fast this machine is
            self.memos["fitted"].put(fitted_key(data, params), fitted.projector)
            pace.record(pace.Outcome(params.method, len(data), time.perf_counter() - start, cold))
        return fitted

    def estimate_s(self, data: MapData, params: ProjectionParams) -> float:
        """Expected seconds to compute this projection on this machine (0 when it is ready now)."""
        if self.ready_now(data, params):
            return 0.0
        return pace.estimate_seconds(params.method, len(data), cold=params.method not in FITTED_HERE)

    def projection_path(self, data: MapData, params: ProjectionParams) -> Path | None:
        """Where this map's coordinates are kept on disk (None without the cache)."""
        if not self.use_cache:
            return None
        return projection_cache_path(data.vectors, params, max_fit=self.max_fit, vectors_hash=data.vectors_hash)

    def on_disk(self, data: MapData, params: ProjectionParams) -> bool:
        return (path := self.projection_path(data, params)) is not None and path.exists()

    def fitted_map(self, data: MapData, params: ProjectionParams, *, announce: Announce = _quietly) -> FittedMap:
        """The projection with how it was fitted; it is remembered in memory by its coordinates."""
        if self.on_disk(data, params):
            fitted = self._fit(data, params, use_cache=True)
        else:
            with announce(f"Computing {params.method.upper()} for {len(data):,} points…{_fit_note(params)}"):
                fitted = self._fit(data, params, use_cache=self.use_cache, announce=announce)
        self.memos["projection"].put(projection_key(data, params), fitted.coords)
        return fitted

    def projection(self, data: MapData, params: ProjectionParams, *, announce: Announce = _quietly) -> np.ndarray:
        """Map coordinates, from memory or disk when seen before, else computed."""
        return self.memos["projection"].get_or_make(
            projection_key(data, params), lambda: self.fitted_map(data, params, announce=announce).coords)

    def fitted_projector(self, data: MapData, params: ProjectionParams, *,
                         announce: Announce = _quietly) -> Projector | None:
        """The fitted reducer behind a map, for placing new points (None for t-SNE): a seeded refit, which
        reproduces the cached coordinates exactly, or for a sampled UMAP fit its sample's, which then places new
        points among the map's points as they are (refined with every row's neighbours)."""
        if params.method == "tsne":
            return None

        def refit() -> Projector | None:
            with announce(f"Fitting {params.method.upper()} again to place new points…{_fit_note(params)}"):
                rows = fit_sample(len(data), self.max_fit, params.random_state)
                if params.method == "umap" and len(rows) < len(data):  # the sample's fit alone, not its placed rows
                    projector = fit_on_rows(data.vectors, rows, params)
                    projector.use_layout(self.projection(data, params, announce=announce)[rows])
                    return projector
                return self._fit(data, params, use_cache=False).projector

        return self.memos["fitted"].get_or_make(fitted_key(data, params), refit)

    def place(self, data: MapData, params: ProjectionParams, vectors: np.ndarray, *,
              announce: Announce = _quietly) -> np.ndarray | None:
        """Map coordinates for new vectors (queries), or None when the method cannot place them."""
        projector = self.fitted_projector(data, params, announce=announce)
        return None if projector is None else projector.transform(np.asarray(vectors, dtype=np.float32))

    # 3. clusters with keyword labels
    def clusters(self, data: MapData, coords: np.ndarray, params: ProjectionParams, spec: ClusterSpec, *,
                 announce: Announce = _quietly) -> ClusterResult:
        """Clusters of the map (or of the vectors, with `spec.space`), computed once per settings."""
        def compute() -> ClusterResult:
            own_graph = spec.space == "vectors" and not is_large(len(data))
            graph = self.graph(data, params, announce=announce) if own_graph else None
            with announce(f"Clustering {len(data):,} points ({spec.method})…"):
                return cluster_map(data.vectors, coords, data.texts, spec, metric=params.metric, graph=graph)

        def from_disk() -> ClusterResult:
            return load_or_compute(self._clusters_path(data, coords, params, spec), compute,
                                   to_arrays=derived_cache.clusters_to_arrays,
                                   from_arrays=lambda arrays: derived_cache.clusters_from_arrays(arrays, spec))

        return self.memos["derived"].get_or_make(clusters_key(data, params, spec), from_disk)

    def _clusters_path(self, data: MapData, coords: np.ndarray, params: ProjectionParams,
                       spec: ClusterSpec) -> Path | None:
        """Where these clusters are kept on disk (None without the cache)."""
        if not (self.use_cache and data.vectors_hash):
            return None
        return derived_cache.clusters_path(data.vectors_hash, data.texts, coords, spec, metric=params.metric,
                                           large=is_large(len(data)))

    def _faith_path(self, data: MapData, coords: np.ndarray, params: ProjectionParams) -> Path | None:
        """Where this map's faithfulness is kept on disk (None without the cache)."""
        if not (self.use_cache and data.vectors_hash):
            return None
        return derived_cache.faith_path(data.vectors_hash, coords, metric=params.metric, k=DEFAULT_K,
                                        large=is_large(len(data)))

    # 4. faithfulness per point
    def faithfulness(self, data: MapData, coords: np.ndarray, params: ProjectionParams, *,
                     announce: Announce = _quietly) -> Faithfulness:
        """kNN preservation and trustworthiness of the map, overall and per point."""
        def compute() -> Faithfulness:
            if is_large(len(data)):
                with announce("Measuring how faithful the map is, on a sample…"):
                    return sampled_faithfulness(data.vectors, coords, metric=params.metric)
            graph = self.graph(data, params, announce=announce)
            with announce("Measuring how faithful the map is…"):
                return measure_faithfulness(data.vectors, coords, graph)

        def from_disk() -> Faithfulness:
            return load_or_compute(self._faith_path(data, coords, params), compute,
                                   to_arrays=derived_cache.faith_to_arrays, from_arrays=derived_cache.faith_from_arrays)

        return self.memos["derived"].get_or_make(faith_key(data, params), from_disk)

    # the progressive map: a preview at once, the chosen projection in the background
    def ready_now(self, data: MapData, params: ProjectionParams) -> bool:
        """Whether the chosen projection costs about a second: PCA, in memory, or on disk."""
        return params.method == PREVIEW_METHOD or projection_key(data, params) in self.memos["projection"] \
            or self.on_disk(data, params)

    def _fit_in_background(self, data: MapData, params: ProjectionParams, cancel: threading.Event,
                           progress: JobProgress | None = None) -> np.ndarray:
        fitted = self._fit(data, params, use_cache=self.use_cache, cancel=cancel, progress=progress)
        self.memos["projection"].put(projection_key(data, params), fitted.coords)
        return fitted.coords

    def map_state(self, data: MapData, params: ProjectionParams, *, cancelled: bool = False, wait_s: float = 0.0,
                  announce: Announce = _quietly) -> MapState:
        """The chosen projection when it is ready, else a PCA preview and the background job computing it
        (callers asking for the same projection share one job). A job estimated at `wait_s` or less is waited
        for (behind `announce`); `cancelled`: the caller stopped waiting."""
        if self.ready_now(data, params):
            return MapState(self.projection(data, params), params)
        quick, expected = replace(params, method=PREVIEW_METHOD), self.estimate_s(data, params)
        if cancelled:
            return MapState(self.projection(data, quick), quick, cancelled=True)
        progress = JobProgress()
        load_estimators()
        job = self.pool.submit(job_key(data, params), f"{METHOD_LABELS[params.method]} of {len(data):,} points",
                               lambda cancel: self._fit_in_background(data, params, cancel, progress),
                               progress=progress)
        self.still_waiting(job)
        if expected <= wait_s and not job.done():
            with announce(f"Computing {METHOD_LABELS[params.method]} for {len(data):,} points (about "
                          f"{expected:.0f} s)…"):
                job.future.exception()  # waits; a failure is raised below
        if job.done():
            self.pool.forget(job.key)
            return MapState(job.result(), params)  # raises the job's error, if it failed
        return MapState(self.projection(data, quick), quick, job, expected_s=expected)

    def _extras_now(self, data: MapData, state: MapState, spec: ClusterSpec | None,
                    announce: Announce) -> tuple[ClusterResult | None, Faithfulness | None]:
        """A preview gets clusters only where they cost little (on the map, or a small exact graph); faithfulness
        waits for the chosen projection."""
        faith = None if state.preview else self.faithfulness(data, state.coords, state.params, announce=announce)
        if spec is None or (state.preview and spec.space != "map" and len(data) > EXACT_LIMIT):
            return None, faith
        return self.clusters(data, state.coords, state.params, spec, announce=announce), faith

    def _extras_job(self, data: MapData, state: MapState, spec: ClusterSpec | None,
                    cancel: threading.Event) -> tuple[ClusterResult | None, Faithfulness | None]:
        start = time.perf_counter()
        check(cancel)
        result = self._extras_now(data, state, spec, _quietly)
        pace.record(pace.Outcome("extras", len(data), time.perf_counter() - start))
        return result

    def extras(self, data: MapData, state: MapState, spec: ClusterSpec | None, *, skip: bool = False,
               announce: Announce = _quietly) -> Extras:
        """Clusters and faithfulness of the map drawn now: at once for small data or when computed before, else
        in the background, so the map is drawn first and they follow (`skip`: the caller stopped waiting). A
        preview gets clusters only when computed before: computing them would compete with the chosen projection's
        job (a linear map's clusters search k among dozens of KMeans fits)."""
        if self._known(data, state, spec) or (len(data) <= EXTRAS_AT_ONCE and not state.preview):
            return Extras(*self._extras_now(data, state, spec, announce))
        if skip or state.preview:  # a preview is drawn bare: the chosen projection's job comes first
            return Extras(None, None, skipped=skip)
        params = state.params
        load_estimators()
        job = self.pool.submit(extras_key(data, params, spec), f"clusters and faithfulness of {len(data):,} points",
                               lambda cancel: self._extras_job(data, state, spec, cancel))
        self.still_waiting(job)
        if job.done():
            self.pool.forget(job.key)
            return Extras(*job.result())
        return Extras(None, None, job, pace.estimate_seconds("extras", len(data)))

    def _known(self, data: MapData, state: MapState, spec: ClusterSpec | None) -> bool:
        """Whether the map's clusters and faithfulness are in memory or on disk."""
        params, memo = state.params, self.memos["derived"]

        def kept(key: tuple, path: Callable[[], Path | None]) -> bool:
            return key in memo or (found := path()) is not None and found.exists()

        return (spec is None or kept(clusters_key(data, params, spec),
                                     lambda: self._clusters_path(data, state.coords, params, spec))) and \
            (state.preview or kept(faith_key(data, params), lambda: self._faith_path(data, state.coords, params)))

    def still_waiting(self, job: Job) -> None:
        """A caller still waits for `job`; one that nobody waits for is cancelled after ABANDONED_S."""
        self.waited[job.key] = time.monotonic()
        if self.watchdog is None:
            self.watchdog = threading.Thread(target=self._cancel_abandoned, name="ee-map-watchdog", daemon=True)
            self.watchdog.start()

    def _cancel_abandoned(self) -> None:
        while True:
            time.sleep(1.0)
            now = time.monotonic()
            for key, job in list(self.pool.jobs.items()):
                if not job.done() and now - self.waited.get(key, now) > ABANDONED_S:
                    self.pool.cancel(key)
            for key in set(self.waited) - set(self.pool.jobs):  # forgotten or cancelled: nothing left to watch
                self.waited.pop(key, None)

    def cancel(self, data: MapData, params: ProjectionParams) -> bool:
        """Stop the background projection (it stops at its next step and writes nothing)."""
        return self.pool.cancel(job_key(data, params))

    def cancel_extras(self, data: MapData, params: ProjectionParams, spec: ClusterSpec | None) -> bool:
        """Stop computing a map's clusters and faithfulness in the background."""
        return self.pool.cancel(extras_key(data, params, spec))


