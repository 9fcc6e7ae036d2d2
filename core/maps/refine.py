"""A sampled UMAP map refined with every row's neighbours.

Above `MAX_FIT` rows UMAP is fitted on a seeded sample and the other rows are placed by `transform`, each
against the fitted rows alone: a placed point never meets the placed points beside it, so the map keeps their
neighbourhoods less well than a fit on every row would. A few epochs of UMAP's own layout optimisation over
the neighbour graph of every row, started from that map, let each point settle among all of its neighbours: on
200,000 planted-cluster rows fitted on 20,000, trustworthiness (5,000-point sample) rose from 0.969 to 0.993,
a full fit's level, for 32 s (the graph 18 s, the epochs 14 s); on the `map100k` bench's 100,000 rows, from 0.973
to 0.988 (every row's trustworthiness), for 6 s more, the graph being built there anyway.

Maps above core.maps.large.LARGE_ROWS rows do not build the shared graph (at 1,000,000 x 384, NN-descent at full
width raised the map's peak memory from 2.6 GB to 5.9 GB). Their refinement finds each row's neighbours among the
rows' first REDUCED_DIMS principal components instead (`reduced_graph`: 256 MB at a million rows), after
letting go of the memory-mapped input's pages: on 200,000 rows, trustworthiness 0.9934 against 0.9933 with the
full-width graph, the graph in 13 s instead of 18 s; on the `map1m` bench's million rows, 0.972 to 0.9935 with a
3.0 GB peak.
"""
from __future__ import annotations

import numpy as np

from core.maps.knn import KnnGraph, build_knn_graph

REFINE_EPOCHS = 30
REDUCED_DIMS = 64  # principal components a large map's refinement finds neighbours among
REDUCIBLE_METRICS = ("cosine", "euclidean")  # metrics that principal components keep (not hamming's sign bits)
READ_CHUNK = 50_000  # rows reduced at a time


def refine_layout(coords: np.ndarray, graph: KnnGraph, reducer, *, n_neighbors: int,
                  seed: int | None) -> np.ndarray:
    """`coords` (every row, as fitted and placed) after REFINE_EPOCHS epochs of UMAP's optimisation over `graph`
    (every row's neighbours), with the fitted `reducer`'s curve and settings; rescaled as UMAP scales a layout."""
    import umap.umap_ as umap_

    k = max(2, min(n_neighbors, graph.indices.shape[1]))
    rows = np.empty((len(coords), 1), dtype=np.float32)  # the vectors themselves are not read
    fuzzy, _, _ = umap_.fuzzy_simplicial_set(rows, k, np.random.RandomState(seed or 0), graph.metric,
                                             knn_indices=np.ascontiguousarray(graph.indices[:, :k]),
                                             knn_dists=np.ascontiguousarray(graph.distances[:, :k]))
    layout, _ = umap_.simplicial_set_embedding(
        rows, fuzzy, coords.shape[1], reducer.learning_rate, reducer._a, reducer._b, reducer.repulsion_strength,
        reducer.negative_sample_rate, REFINE_EPOCHS, np.asarray(coords, dtype=np.float64),
        np.random.RandomState(seed or 0), graph.metric, {}, False, {}, False, parallel=seed is None)
    return np.asarray(layout, dtype=np.float32)


def reduced_graph(X: np.ndarray, sample: np.ndarray, k: int, metric: str) -> KnnGraph:
    """The k-nearest-neighbour graph of every row of X, found among its first REDUCED_DIMS principal components
    (fitted on the rows `sample`), reading X a chunk at a time; X's mapped pages are let go afterwards."""
    from sklearn.decomposition import PCA

    pca = PCA(min(REDUCED_DIMS, X.shape[1], len(sample)), random_state=0).fit(np.asarray(X[sample], dtype=np.float32))
    reduced = np.empty((len(X), pca.n_components_), dtype=np.float32)
    for start in range(0, len(X), READ_CHUNK):
        reduced[start:start + READ_CHUNK] = pca.transform(np.asarray(X[start:start + READ_CHUNK], dtype=np.float32))
    release_pages(X)
    return build_knn_graph(reduced, k, metric=metric)


def release_pages(X: np.ndarray) -> None:
    """Let the kernel drop a memory-mapped array's resident pages (they are read from the file again if needed),
    so they stop counting against this process's memory; nothing for arrays in memory."""
    import mmap

    base: object = X
    while base is not None and not isinstance(base, np.memmap):
        base = getattr(base, "base", None)
    handle = getattr(base, "_mmap", None)
    if handle is not None and hasattr(mmap, "MADV_DONTNEED"):
        handle.madvise(mmap.MADV_DONTNEED)
