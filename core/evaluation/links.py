"""Link prediction, the node2vec paper's protocol: hide 10% of the edges, embed the rest, and tell the hidden
edges from as many non-edges by logistic regression on Hadamard products of the two nodes' vectors (ROC AUC).

The embedding and the classifier see only the residual graph: the held-out edges are never trained on.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from core.errors import DataError

HELD_OUT = 0.1
SEED = 0
BOOTSTRAP = 200
CONVENTIONS = (f"Link prediction (Grover & Leskovec 2016): {HELD_OUT:.0%} of the edges held out at random (seeded; "
               "an edge is held out only if both its nodes keep another edge), as many node pairs that are not "
               "edges sampled; the embedding is trained on the residual graph; a logistic regression on the "
               "Hadamard product of the two nodes' vectors is trained on the residual edges against as many other "
               "non-edges, and scored by ROC AUC on the held-out pairs. Interval: 95% bootstrap over the "
               f"held-out pairs ({BOOTSTRAP} resamples).")
EmbedNodes = Callable[[nx.Graph], dict]


@dataclass(frozen=True)
class EdgeSplit:
    """The residual graph, the held-out edges and the non-edge pairs for training and for testing."""

    residual: nx.Graph
    held_out: list[tuple]
    train_non_edges: list[tuple]
    test_non_edges: list[tuple]


@dataclass(frozen=True)
class LinkResult:
    """ROC AUC on the held-out pairs, with its interval and the counts behind it."""

    auc: float
    auc_low: float
    auc_high: float
    held_out_edges: int
    train_edges: int

    def figures(self) -> dict[str, float]:
        return {"link_auc": self.auc, "link_auc_low": self.auc_low, "link_auc_high": self.auc_high,
                "held_out_edges": self.held_out_edges, "train_edges": self.train_edges}


def _non_edges(graph: nx.Graph, count: int, rng: np.random.Generator, taken: set) -> list[tuple]:
    """`count` distinct node pairs that are not edges of `graph` and not in `taken` (which they join)."""
    nodes = list(graph.nodes())
    n = len(nodes)
    if n * (n - 1) // 2 - graph.number_of_edges() < count + len(taken):
        raise DataError("The graph is too dense to sample as many non-edges as held-out edges.")
    found: list[tuple] = []
    while len(found) < count:
        for a, b in rng.integers(0, n, size=(2 * (count - len(found)) + 8, 2)):
            u, v = nodes[min(a, b)], nodes[max(a, b)]
            if a != b and not graph.has_edge(u, v) and (u, v) not in taken:
                taken.add((u, v))
                found.append((u, v))
                if len(found) == count:
                    break
    return found


def split_edges(graph: nx.Graph, *, share: float = HELD_OUT, seed: int = SEED) -> EdgeSplit:
    """Hold out `share` of the edges, keeping every node that had an edge on one in the residual graph."""
    rng = np.random.default_rng(seed)
    edges = list(graph.edges())
    wanted = int(round(share * len(edges)))
    if wanted < 2:
        raise DataError("Link prediction needs a graph with at least 20 edges (10% of them are held out).")
    residual = graph.copy()
    held_out = []
    for i in rng.permutation(len(edges)):
        u, v = edges[i]
        if residual.degree(u) > 1 and residual.degree(v) > 1:
            residual.remove_edge(u, v)
            held_out.append((u, v))
            if len(held_out) == wanted:
                break
    taken: set = set()
    test = _non_edges(graph, len(held_out), rng, taken)
    train = _non_edges(graph, residual.number_of_edges(), rng, taken)
    return EdgeSplit(residual, held_out, train, test)


def hadamard(vectors: dict, pairs: list[tuple]) -> np.ndarray:
    """The element-wise product of the two nodes' vectors, one row per pair."""
    return np.stack([vectors[u] * vectors[v] for u, v in pairs]).astype(np.float64)


def rank_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic: the chance a positive outscores a negative, ties counting half."""
    from scipy.stats import rankdata

    positives = y == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    return float((rankdata(scores)[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _bootstrap_auc(y: np.ndarray, scores: np.ndarray, seed: int) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the AUC over resampled held-out pairs."""
    rng = np.random.default_rng(seed)
    aucs = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(y), len(y))
        if 0 < y[pick].sum() < len(pick):
            aucs.append(rank_auc(y[pick], scores[pick]))
    return float(np.percentile(aucs, 2.5)), float(np.percentile(aucs, 97.5))


def link_prediction(graph: nx.Graph, embed_nodes: EmbedNodes, *, seed: int = SEED) -> LinkResult:
    """ROC AUC of telling held-out edges from non-edges; `embed_nodes` gets the residual graph only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    # 1. hide the test edges, and embed what is left
    split = split_edges(graph, seed=seed)
    vectors = embed_nodes(split.residual)
    # 2. train on residual edges against non-edges
    train_edges = list(split.residual.edges())
    x_train = hadamard(vectors, train_edges + split.train_non_edges)
    y_train = np.r_[np.ones(len(train_edges)), np.zeros(len(split.train_non_edges))]
    classifier = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    # 3. score the held-out edges against as many unseen non-edges
    y_test = np.r_[np.ones(len(split.held_out)), np.zeros(len(split.test_non_edges))]
    scores = classifier.decision_function(hadamard(vectors, split.held_out + split.test_non_edges))
    low, high = _bootstrap_auc(y_test, scores, seed)
    return LinkResult(float(roc_auc_score(y_test, scores)), low, high, len(split.held_out), len(train_edges))
