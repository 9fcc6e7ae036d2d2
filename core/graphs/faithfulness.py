"""Graph faithfulness: per node, the share of its nearest embedding neighbours that are its graph neighbours."""
from __future__ import annotations

import numpy as np

FAITH_COLUMN = "graph faithfulness"
K_MAX = 10


def graph_faithfulness(edges: np.ndarray, vectors: np.ndarray, *, k_max: int = K_MAX) -> np.ndarray:
    """For each node with k = min(degree, k_max) graph neighbours: how many of its k nearest vectors (cosine,
    itself left out) are graph neighbours, over k. NaN for isolated nodes. `edges` are pairs of row numbers."""
    from core.maps.knn import exact_knn

    n = len(vectors)
    out = np.full(n, np.nan)
    if n < 2 or not len(edges):
        return out
    both = np.concatenate([edges, edges[:, ::-1]])
    degree = np.bincount(both[:, 0], minlength=n)
    k = min(k_max, n - 1)
    indices, _ = exact_knn(vectors, vectors, k + 1, self_rows=True)
    neighbours = indices[:, 1:].astype(np.int64)
    keys = np.unique(both[:, 0] * n + both[:, 1])
    hit = np.isin(np.arange(n)[:, None] * n + neighbours, keys)
    k_node = np.minimum(degree, k)
    first = np.arange(k)[None, :] < k_node[:, None]
    linked = degree > 0
    out[linked] = (hit & first).sum(axis=1)[linked] / k_node[linked]
    return out


def faithfulness_sentence(values: np.ndarray) -> str:
    """The mean faithfulness in one sentence."""
    known = values[np.isfinite(values)]
    if not len(known):
        return "No node has an edge, so graph faithfulness cannot be measured."
    return (f"On average {known.mean():.0%} of a node's nearest embedding neighbours (as many as its graph "
            f"neighbours, at most {K_MAX}) are its graph neighbours; {np.mean(known == 1.0):.0%} of the nodes keep "
            "all of them.")
