"""Vectors to a finished map: the steps, and `build_map` that runs them all (CLI and bench).

1. one k-nearest-neighbour graph of the vectors (`neighbour_graph`), 2. the projection, from disk
when seen before (`project_map`: UMAP on a sample above MAX_FIT rows, the rest placed with
`transform`), 3. clusters with keyword labels (`cluster_map`), 4. faithfulness per point
(`faithfulness`). The UI's seam calls the same four steps and only memoises them.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.hashing import hash_array
from core.maps.clusters import ClusterResult, ClusterSpec, cluster_map
from core.maps.faithfulness import Faithfulness, faithfulness
from core.maps.knn import KnnGraph
from core.maps.projection import (
    MAX_FIT,
    FittedMap,
    ProjectionParams,
    neighbour_graph,
    project_map,
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
    vectors_hash = hash_array(X) if use_cache else None
    timings: dict[str, float] = {}
    # 1. the shared neighbour graph
    graph = _timed(timings, "knn_graph", log,
                   lambda: neighbour_graph(X, params, vectors_hash=vectors_hash, use_cache=use_cache))
    # 2. the projection (from disk when seen before), reusing the graph when it fits on every row
    fitted = _timed(timings, "projection", log,
                    lambda: project_map(X, params, graph=lambda: graph, vectors_hash=vectors_hash,
                                        use_cache=use_cache, max_fit=max_fit))
    # 3. clusters with keyword labels
    result = None if clusters is None else _timed(
        timings, "clusters", log,
        lambda: cluster_map(X, fitted.coords, texts, clusters, metric=params.metric, graph=graph))
    # 4. faithfulness per point
    faith = _timed(timings, "faithfulness", log, lambda: faithfulness(X, fitted.coords, graph)) \
        if with_faithfulness else None
    return MapRun(graph, fitted, result, faith, timings)
