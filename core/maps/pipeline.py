"""Vectors to a finished map in one call (used by the CLI and the bench; the UI caches each step).

1. one k-nearest-neighbour graph of the vectors, 2. the projection (UMAP on a sample above
MAX_FIT rows, the rest placed with `transform`), 3. clusters with keyword labels,
4. faithfulness per point. Every step is timed.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.maps.clusters import ClusterResult, ClusterSpec, cluster_map
from core.maps.faithfulness import Faithfulness, faithfulness
from core.maps.knn import KnnGraph, knn_graph
from core.maps.projection import (
    MAX_FIT,
    FittedMap,
    ProjectionParams,
    fit_projection,
    graph_k,
)

Log = Callable[[str], None]


@dataclass
class MapRun:
    """Everything a map shows, and how long each step took (seconds)."""

    graph: KnnGraph
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


def build_map(vectors: np.ndarray, texts: Sequence[str], params: ProjectionParams, *,
              clusters: ClusterSpec | None = ClusterSpec(), with_faithfulness: bool = True,  # noqa: B008 (frozen)
              max_fit: int = MAX_FIT, use_cache: bool = True, log: Log | None = None) -> MapRun:
    """Graph, projection, clusters and faithfulness for `vectors` (rows aligned with `texts`)."""
    X = np.ascontiguousarray(vectors, dtype=np.float32)
    timings: dict[str, float] = {}
    # 1. the shared neighbour graph
    graph = _timed(timings, "knn_graph", log,
                   lambda: knn_graph(X, graph_k(params), metric=params.metric, use_cache=use_cache))
    # 2. the projection, reusing the graph when it fits on every row
    fitted = _timed(timings, "projection", log, lambda: fit_projection(X, params, knn=graph, max_fit=max_fit))
    # 3. clusters with keyword labels
    result = None if clusters is None else _timed(
        timings, "clusters", log,
        lambda: cluster_map(X, fitted.coords, texts, clusters, metric=params.metric, graph=graph))
    # 4. faithfulness per point
    faith = _timed(timings, "faithfulness", log, lambda: faithfulness(X, fitted.coords, graph)) \
        if with_faithfulness else None
    return MapRun(graph, fitted, result, faith, timings)
