"""Every step of a map at once, each timed, on a map service of its own: what the CLI and the bench run."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.maps.clusters import ClusterResult, ClusterSpec
from core.maps.faithfulness import Faithfulness
from core.maps.knn import KnnGraph
from core.maps.large import is_large
from core.maps.projection import MAX_FIT, FittedMap, ProjectionParams
from core.maps.service import Log, MapData, MapService


@dataclass
class MapRun:
    """Everything a map shows, and how long each step took (seconds)."""

    graph: KnnGraph | None  # None for a large map (core.maps.large), which is built without it
    fitted: FittedMap
    clusters: ClusterResult | None
    faith: Faithfulness | None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def coords(self) -> np.ndarray:
        return self.fitted.coords


def _timed(timings: dict[str, float], name: str, log: Log | None, step: Callable):
    start = time.perf_counter()
    result = step()
    timings[name] = time.perf_counter() - start
    if log:
        log(f"{name}: {timings[name]:.1f} s")
    return result


def build(service: MapService, data: MapData, params: ProjectionParams, *,
          clusters: ClusterSpec | None = ClusterSpec(), with_faithfulness: bool = True,  # noqa: B008 (frozen)
          log: Log | None = None) -> MapRun:
    """Graph, projection, clusters and faithfulness through `service`, each timed."""
    timings: dict[str, float] = {}
    graph = None if is_large(len(data)) else _timed(timings, "knn_graph", log, lambda: service.graph(data, params))
    fitted = _timed(timings, "projection", log, lambda: service.fitted_map(data, params))
    result = None if clusters is None else _timed(
        timings, "clusters", log, lambda: service.clusters(data, fitted.coords, params, clusters))
    faith = _timed(timings, "faithfulness", log, lambda: service.faithfulness(data, fitted.coords, params)) \
        if with_faithfulness else None
    return MapRun(graph, fitted, result, faith, timings)


def build_map(vectors: np.ndarray, texts: Sequence[str], params: ProjectionParams, *,
              clusters: ClusterSpec | None = ClusterSpec(), with_faithfulness: bool = True,  # noqa: B008 (frozen)
              max_fit: int = MAX_FIT, use_cache: bool = True, log: Log | None = None) -> MapRun:
    """Every step for `vectors` (rows aligned with `texts`) on a service of its own: the CLI and the bench."""
    service = MapService(use_cache=use_cache, max_fit=max_fit)
    data = MapData.of(vectors, texts) if use_cache else MapData(np.ascontiguousarray(vectors, np.float32), "", texts)
    return build(service, data, params, clusters=clusters, with_faithfulness=with_faithfulness, log=log)
