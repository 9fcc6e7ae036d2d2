"""One k-nearest-neighbour graph per (vectors, metric, k), computed once and reused.

UMAP (as `precomputed_knn`), clustering, faithfulness, model comparison and the neighbour
panels all read the same graph. Metrics: scikit-learn's names (cosine, the default; euclidean, manhattan,
l1, l2), dot (ranked by the dot product) and hamming (on the sign bits). Exact brute force up to `EXACT_LIMIT`
rows, pynndescent above; kept on disk by content hash so a restart does not recompute it. (FAISS's IVF-Flat,
core.maps.knn_faiss, was measured against NN-descent in the `map1m` bench section and is not used: see there.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.disk_cache import load_or_compute
from core.errors import DataError
from core.hashing import hash_array
from core.paths import data_dir
from core.vectors import top_k

EXACT_LIMIT = 10_000  # rows; brute force below (about 1 s at 10k x 384), NN-descent above
QUERY_EXACT_LIMIT = 512  # queries answered by brute force even against a large index
WORKING_MEMORY_MB = 256
GRAPH_VERSION = "v1"


def _pairwise(Q: np.ndarray, X: np.ndarray, metric: str):
    """Distance chunks (start row, block) between queries and data, within bounded memory."""
    from sklearn.metrics import pairwise_distances_chunked

    if metric == "dot":
        yield from _dot_blocks(Q, X)
        return
    start = 0
    for block in pairwise_distances_chunked(Q, X, metric=metric, working_memory=WORKING_MEMORY_MB):
        yield start, np.asarray(block, dtype=np.float32)
        start += len(block)


def _dot_blocks(Q: np.ndarray, X: np.ndarray):
    """Dot-product distance chunks: the largest squared length among X's rows minus q·x (never negative for
    queries among X's rows, as a graph's distances must be; the ranking is the dot product's)."""
    top = float(np.max(np.einsum("ij,ij->i", X, X), initial=0.0))
    rows = max(1, WORKING_MEMORY_MB * 2**20 // (4 * max(1, len(X))))
    for start in range(0, len(Q), rows):
        yield start, (top - Q[start:start + rows] @ X.T).astype(np.float32)


def metric_rows(X: np.ndarray, metric: str) -> np.ndarray:
    """The rows as `metric` compares them: for hamming, the sign bits (1 where a value is above 0), whose
    distance is the share of bits that differ; the rows themselves otherwise."""
    if metric == "hamming":
        return (np.asarray(X) > 0).astype(np.float32)
    return X


def exact_knn(Q: np.ndarray, X: np.ndarray, k: int, *, metric: str = "cosine",
              self_rows: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest rows of X for each row of Q, by brute force in chunks.

    With `self_rows` (Q is X), each row is its own first neighbour at distance 0.
    """
    k = min(k, len(X))
    Q, X = metric_rows(Q, metric), metric_rows(X, metric)
    indices = np.empty((len(Q), k), dtype=np.int32)
    dists = np.empty((len(Q), k), dtype=np.float32)
    for start, block in _pairwise(Q, X, metric):
        if self_rows:
            rows = np.arange(len(block))
            block[rows, start + rows] = -1.0  # forces self first, even among duplicates
        indices[start:start + len(block)], dists[start:start + len(block)] = top_k(block, k)
    np.maximum(dists, 0.0, out=dists)
    return indices, dists


class NeighbourIndex:
    """Nearest rows of fixed data for new queries: brute force, or NN-descent for big data.

    Duck-types pynndescent's `query`, so UMAP can use it to `transform` new points.
    """

    _angular_trees = False  # read by umap's transform

    def __init__(self, X: np.ndarray, metric: str, *, nndescent=None, random_state: int = 0) -> None:
        self.X, self.metric, self.nndescent, self.random_state = X, metric, nndescent, random_state

    def query(self, Q: np.ndarray, k: int, epsilon: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
        Q = np.asarray(Q, dtype=np.float32)
        if len(self.X) <= EXACT_LIMIT or len(Q) <= QUERY_EXACT_LIMIT:
            return exact_knn(Q, self.X, k, metric=self.metric)
        if self.nndescent is None:
            self.nndescent = _nndescent(self.X, k, self.metric, self.random_state)
        indices, dists = self.nndescent.query(metric_rows(Q, self.metric), k=k, epsilon=epsilon)
        return indices.astype(np.int32), np.maximum(dists, 0).astype(np.float32)


@dataclass
class KnnGraph:
    """Each row's k nearest rows, itself first (umap's convention), with distances."""

    indices: np.ndarray  # N x (k + 1) int32, column 0 is the row itself
    distances: np.ndarray  # N x (k + 1) float32, ascending
    metric: str
    exact: bool
    index: NeighbourIndex | None = field(default=None, repr=False, compare=False)

    @property
    def k(self) -> int:
        """Neighbours per row, not counting the row itself."""
        return self.indices.shape[1] - 1

    def neighbours(self, k: int | None = None) -> np.ndarray:
        """N x k indices of each row's nearest other rows."""
        k = self.k if k is None else k
        if k > self.k:
            raise DataError(f"The neighbour graph holds {self.k} neighbours per point; {k} were asked for.")
        return self.indices[:, 1:k + 1]

    def kth_distances(self, k: int) -> np.ndarray:
        """Each row's distance to its k-th nearest other row (the nearest the graph holds when k is larger): how
        alone it is, the k-NN outlier score."""
        return self.distances[:, min(k, self.k)].astype(np.float64)

    def umap_knn(self, n_neighbors: int) -> tuple[np.ndarray, np.ndarray, NeighbourIndex | None]:
        """The `precomputed_knn` tuple for umap.UMAP: self plus n_neighbors - 1 others (copies: umap edits them)."""
        return (np.ascontiguousarray(self.indices[:, :n_neighbors]), np.ascontiguousarray(self.distances[:, :n_neighbors]),
                self.index)


def _nndescent(X: np.ndarray, k: int, metric: str, random_state: int):
    from core.maps.numba_cache import enable
    enable()
    from pynndescent import NNDescent

    return NNDescent(metric_rows(X, metric), n_neighbors=k, metric=metric, random_state=random_state, n_jobs=1,
                     low_memory=True, verbose=False)


def _self_first(indices: np.ndarray, dists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose first neighbour is not themselves (exact duplicates) get themselves put first."""
    rows = np.arange(len(indices))
    bad = np.flatnonzero(indices[:, 0] != rows)
    for r in bad:
        others = [(i, d) for i, d in zip(indices[r], dists[r]) if i != r][: indices.shape[1] - 1]
        indices[r] = [r] + [i for i, _ in others]
        dists[r] = [0.0] + [d for _, d in others]
    dists[:, 0] = 0.0
    return indices, dists


def build_knn_graph(X: np.ndarray, k: int, *, metric: str = "cosine", random_state: int = 0) -> KnnGraph:
    """The k-nearest-neighbour graph of X (exact up to EXACT_LIMIT rows, NN-descent above)."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    if X.ndim != 2 or len(X) < 2:
        raise DataError(f"A neighbour graph needs at least 2 vectors; this data has {len(X)}.")
    k = max(1, min(k, len(X) - 1))
    if len(X) <= EXACT_LIMIT:
        indices, dists = exact_knn(X, X, k + 1, metric=metric, self_rows=True)
        return KnnGraph(indices, dists, metric, True, NeighbourIndex(X, metric))
    nnd = _nndescent(X, k + 1, metric, random_state)
    indices, dists = (np.asarray(a) for a in nnd.neighbor_graph)
    indices, dists = _self_first(indices.astype(np.int32), np.maximum(dists, 0).astype(np.float32))
    return KnnGraph(indices, dists, metric, False, NeighbourIndex(X, metric, nndescent=nnd, random_state=random_state))


def knn_cache_path(X: np.ndarray, k: int, metric: str, *, vectors_hash: str | None = None) -> Path:
    """Where the graph of X (float32, whose content hash may be known) is kept."""
    folder = data_dir() / "knn"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{vectors_hash or hash_array(X)}-{metric}-{k}-{GRAPH_VERSION}.npz"


def knn_graph(vectors: np.ndarray, k: int, *, metric: str = "cosine", use_cache: bool = True,
              vectors_hash: str | None = None) -> KnnGraph:
    """`build_knn_graph`, kept on disk by content hash so a restart does not recompute it.

    `vectors_hash`, the content hash of `vectors` when the caller knows it, saves hashing them again.
    """
    X = np.ascontiguousarray(vectors, dtype=np.float32)
    if X is not vectors:
        vectors_hash = None  # the known hash is of other bytes
    k = max(1, min(k, len(X) - 1))
    path = knn_cache_path(X, k, metric, vectors_hash=vectors_hash) if use_cache else None
    return load_or_compute(
        path, lambda: build_knn_graph(X, k, metric=metric),
        to_arrays=lambda g: {"indices": g.indices, "distances": g.distances, "exact": np.asarray(g.exact)},
        from_arrays=lambda a: KnnGraph(a["indices"], a["distances"], metric, bool(a["exact"]), NeighbourIndex(X, metric)))


def warm_up_nndescent(metric: str = "cosine") -> None:
    """Compile pynndescent's kernels (build and query) once per process, on tiny random data."""
    X = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
    nnd = _nndescent(X, 5, metric, 0)
    nnd.query(X[:5], k=5)
