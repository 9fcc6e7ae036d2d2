"""Random walks on a graph, all walkers stepping at once in numpy: uniform (DeepWalk) and p/q-biased (node2vec).

node2vec's second-order step from v (having come from t) to a neighbour x has weight w(v, x) * a(t, x), with
a = 1/p when x is t, 1 when x is a neighbour of t, and 1/q otherwise (Grover & Leskovec 2016). It is drawn
exactly by rejection: propose x with probability proportional to w(v, x), accept it with probability
a(t, x) / max(1/p, 1, 1/q).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from core.jobs import check

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CsrGraph:
    """A graph's adjacency in compressed rows: node i's neighbours are indices[indptr[i]:indptr[i + 1]], sorted."""

    indptr: np.ndarray
    indices: np.ndarray
    cumulative: np.ndarray | None  # running sum of the edge weights in row order; None when all weights are equal

    @classmethod
    def of(cls, graph: nx.Graph, nodes: list) -> CsrGraph:
        """The adjacency of `graph` with rows in the order of `nodes` (every node of the graph)."""
        matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight", format="csr")
        matrix.sort_indices()
        weights = np.asarray(matrix.data, dtype=np.float64)
        uniform = len(weights) == 0 or np.allclose(weights, weights[0])
        return cls(matrix.indptr.astype(np.int64), matrix.indices.astype(np.int64),
                   None if uniform else np.cumsum(weights))

    @property
    def n_nodes(self) -> int:
        return len(self.indptr) - 1

    def degrees(self) -> np.ndarray:
        return np.diff(self.indptr)

    def edge_keys(self) -> np.ndarray:
        """Each stored (row, column) pair as one sorted int64 key row * n + column, for membership tests."""
        rows = np.repeat(np.arange(self.n_nodes, dtype=np.int64), self.degrees())
        return rows * self.n_nodes + self.indices

    def neighbours(self, current: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One neighbour of each node in `current` (each has one), drawn in proportion to the edge weights."""
        start, stop = self.indptr[current], self.indptr[current + 1]
        if self.cumulative is None:
            return self.indices[start + (rng.random(len(current)) * (stop - start)).astype(np.int64)]
        below = np.where(start > 0, self.cumulative[np.maximum(start - 1, 0)], 0.0)
        point = below + rng.random(len(current)) * (self.cumulative[stop - 1] - below)
        slot = np.clip(np.searchsorted(self.cumulative, point, side="right"), start, stop - 1)
        return self.indices[slot]


def _is_edge(keys: np.ndarray, n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Whether each (u, v) is an edge, by binary search in the sorted keys."""
    wanted = u * n + v
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return keys[found] == wanted if len(keys) else np.zeros(len(u), dtype=bool)


def _biased_step(csr: CsrGraph, keys: np.ndarray, previous: np.ndarray, current: np.ndarray, p: float, q: float,
                 rng: np.random.Generator) -> np.ndarray:
    """node2vec's second-order step for every walker, by rejection sampling."""
    out = np.empty_like(current)
    pending = np.arange(len(current))
    top = max(1.0 / p, 1.0, 1.0 / q)
    while len(pending):
        t, v = previous[pending], current[pending]
        x = csr.neighbours(v, rng)
        bias = np.where(x == t, 1.0 / p, np.where(_is_edge(keys, csr.n_nodes, t, x), 1.0, 1.0 / q))
        accept = rng.random(len(pending)) * top < bias
        out[pending[accept]] = x[accept]
        pending = pending[~accept]
    return out


def walk_round(csr: CsrGraph, starts: np.ndarray, length: int, rng: np.random.Generator, *, p: float = 1.0,
               q: float = 1.0, keys: np.ndarray | None = None) -> np.ndarray:
    """One walk of `length` nodes from each start (all start nodes must have neighbours), as rows of a matrix."""
    walks = np.empty((len(starts), length), dtype=np.int64)
    walks[:, 0] = starts
    if p == 1.0 and q == 1.0:  # node2vec with p = q = 1 is DeepWalk: every step first-order
        for step in range(1, length):
            walks[:, step] = csr.neighbours(walks[:, step - 1], rng)
        return walks
    keys = csr.edge_keys() if keys is None else keys
    for step in range(1, length):
        if step == 1:
            walks[:, step] = csr.neighbours(walks[:, step - 1], rng)
        else:
            walks[:, step] = _biased_step(csr, keys, walks[:, step - 2], walks[:, step - 1], p, q, rng)
    return walks


def random_walks(csr: CsrGraph, *, walks_per_node: int, length: int, p: float = 1.0, q: float = 1.0,
                 seed: int = 0, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> list[list[int]]:
    """`walks_per_node` walks from every node, in rounds of one walk per node (shuffled); a node without
    neighbours is a walk of itself alone."""
    rng = np.random.default_rng(seed)
    keys = csr.edge_keys() if (p != 1.0 or q != 1.0) else None
    degrees = csr.degrees()
    walks: list[list[int]] = []
    for done in range(walks_per_node):
        check(cancel)
        order = rng.permutation(csr.n_nodes)
        moving = order[degrees[order] > 0]
        walks += walk_round(csr, moving, length, rng, p=p, q=q, keys=keys).tolist()
        walks += [[int(node)] for node in order[degrees[order] == 0]]
        if progress:
            progress(done + 1, walks_per_node)
    return walks
