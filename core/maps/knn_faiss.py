"""Approximate k nearest neighbours of every row from FAISS's IVF-Flat index (cosine and Euclidean): the
`map1m` bench section's comparison for the shared neighbour graph, which NN-descent builds (core.maps.knn).

The rows are split into about `CELLS_PER_ROOT * sqrt(N)` cells by k-means (trained on a seeded sample); each row
is compared exactly with the rows of the `PROBES` cells nearest to it. Measured on this 2-core machine (the
bench's clustered vectors, k = 17): at 100,000 rows, CPU seconds on one thread, 2 cells probed 10.9 s and
recall 0.81, 4 cells 15.9 s and 0.976, 8 cells recall 0.9999, NN-descent 8.9 s and 0.80; at 200,000 rows
(`knn_graph_*`), IVF-Flat 62 s and recall 0.93, NN-descent 20 s and 0.68. IVF-Flat finds more of the true
neighbours but costs 3x the time, and grows as N^1.5 (each row scans PROBES cells of sqrt(N) rows), so the app
keeps NN-descent. More cells make the k-means training cost more than the search saves.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from core.vectors import unit_rows

FAISS_GRAPH_METRICS = ("cosine", "euclidean", "l2")
CELLS_PER_ROOT = 1  # cells per square root of the row count (more cells: k-means training outgrows the search)
TRAIN_PER_CELL = 40  # k-means training rows per cell (FAISS warns below 39)
PROBES = 4  # cells searched per row
SEARCH_CHUNK = 65_536  # rows searched at a time


def _faiss() -> Any:
    """FAISS, imported when first needed (its type stubs lag its API, so it is used untyped)."""
    import faiss

    return faiss


def _prepared(X: np.ndarray, metric: str) -> np.ndarray:
    """Rows as the index compares them: unit float32 rows for cosine (inner product), float32 otherwise."""
    return unit_rows(X, np.float32) if metric == "cosine" else np.ascontiguousarray(X, dtype=np.float32)


def _ivf_index(X: np.ndarray, metric: str, seed: int) -> Any:
    """An IVF-Flat index of X's rows, trained on a seeded sample and filled a chunk at a time (X may be
    memory-mapped: the index holds the one copy)."""
    faiss = _faiss()
    n, dim = X.shape
    cells = max(1, min(n // TRAIN_PER_CELL, int(CELLS_PER_ROOT * np.sqrt(n))))
    inner = metric == "cosine"
    quantizer = faiss.IndexFlatIP(dim) if inner else faiss.IndexFlatL2(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, cells, faiss.METRIC_INNER_PRODUCT if inner else faiss.METRIC_L2)
    index.cp.seed = seed
    train = np.sort(np.random.default_rng(seed).choice(n, min(n, TRAIN_PER_CELL * cells), replace=False))
    index.train(_prepared(X[train], metric))
    for start in range(0, n, SEARCH_CHUNK):
        index.add(_prepared(X[start:start + SEARCH_CHUNK], metric))
    index.nprobe = min(PROBES, cells)
    return index


def ivf_knn(X: np.ndarray, k: int, *, metric: str = "cosine", seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """N x k (indices int32, distances float32, ascending) of each row's approximate nearest rows, itself
    included; rows whose probed cells held fewer than k rows are answered exactly."""
    from core.maps.knn import exact_knn

    if metric not in FAISS_GRAPH_METRICS:
        raise ValueError(f"IVF-Flat graphs support {', '.join(FAISS_GRAPH_METRICS)}; got {metric}.")
    index = _ivf_index(X, metric, seed)
    indices, dists = np.empty((len(X), k), np.int32), np.empty((len(X), k), np.float32)
    for start in range(0, len(X), SEARCH_CHUNK):
        ranked, found = index.search(_prepared(X[start:start + SEARCH_CHUNK], metric), k)
        indices[start:start + len(found)] = found
        dists[start:start + len(found)] = 1.0 - ranked if metric == "cosine" else np.sqrt(np.maximum(ranked, 0))
    short = np.flatnonzero((indices < 0).any(axis=1))
    if len(short):
        indices[short], dists[short] = exact_knn(X[short], X, k, metric=metric)
    np.maximum(dists, 0.0, out=dists)
    return indices, dists
