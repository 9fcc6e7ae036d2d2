"""The shared neighbour graph as the quality checks read it: cosine, at least k neighbours per row.

It is as wide as the map's own graph (core.maps.projection.GRAPH_MIN_K) or wider, so the map, the outliers and the
near pairs read one graph, computed once and kept on disk.
"""
from __future__ import annotations

import numpy as np

from core.errors import DataError
from core.maps.knn import KnnGraph, knn_graph
from core.maps.projection import GRAPH_MIN_K


def cosine_graph(X: np.ndarray, k: int, *, graph: KnnGraph | None = None, use_cache: bool = True) -> KnnGraph:
    """`graph` when it is a cosine graph of X with k neighbours or more, else the shared cosine graph of X."""
    if len(X) < 2:
        raise DataError(f"These checks need at least 2 points; this data has {len(X)}.")
    k = min(k, len(X) - 1)
    if graph is not None and graph.metric == "cosine" and graph.k >= k and len(graph.indices) == len(X):
        return graph
    return knn_graph(X, max(k, GRAPH_MIN_K), metric="cosine", use_cache=use_cache)
