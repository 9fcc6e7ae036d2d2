"""A vectorised `init_graph_transform` for umap-learn 0.5 (the original loops over rows in Python).

UMAP's `transform` starts each new point at the weighted mean of its neighbours' map positions.
At 80,000 new points umap's loop takes about half of `transform`; this does the same with one
sparse product. `install()` swaps it into umap once per process; the result is the same
(tests/core/maps/test_projection_scale.py compares the two).
"""
from __future__ import annotations

import threading

import numpy as np

_LOCK = threading.Lock()
ORIGINAL = None  # umap's own function, kept for the tests


def init_graph_transform(graph, embedding: np.ndarray) -> np.ndarray:
    """Per new point: its neighbours' positions weighted by edge strength; an identical point's position
    where an edge has strength 1; NaN without neighbours (as umap's version)."""
    graph = graph.tocsr()
    counts = np.diff(graph.indptr)
    sums = np.asarray(graph.sum(axis=1)).ravel()
    result = (graph @ embedding.astype(np.float64)) / np.where(sums > 0, sums, 1.0)[:, None]
    result = np.asarray(result, dtype=np.float32)
    result[counts == 0] = np.nan
    exact = graph.data == 1
    if exact.any():
        rows = np.repeat(np.arange(graph.shape[0]), counts)[exact]
        first = np.unique(rows, return_index=True)[1]
        result[rows[first]] = embedding[graph.indices[exact][first]]
    return result


def install() -> None:
    """Use the vectorised version inside umap.umap_ (idempotent)."""
    global ORIGINAL
    from core.maps.numba_cache import enable
    enable()
    import umap.umap_ as umap_module

    with _LOCK:
        if umap_module.init_graph_transform is not init_graph_transform:
            ORIGINAL = umap_module.init_graph_transform
            umap_module.init_graph_transform = init_graph_transform
