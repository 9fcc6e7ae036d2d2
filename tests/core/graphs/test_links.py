"""Link prediction: held-out edges are never trained on, and a good embedding scores well."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from core.data.builtins import load_builtin
from core.evaluation import links
from core.graphs.links import graph_link_prediction
from core.graphs.settings import GraphParams


def test_split_holds_out_a_tenth_and_samples_as_many_non_edges():
    graph = nx.les_miserables_graph()
    split = links.split_edges(graph, seed=1)
    assert len(split.held_out) == round(0.1 * graph.number_of_edges())
    assert not any(split.residual.has_edge(u, v) for u, v in split.held_out)
    assert all(graph.has_edge(u, v) for u, v in split.held_out)
    assert len(split.test_non_edges) == len(split.held_out)
    non_edges = split.test_non_edges + split.train_non_edges
    assert len(set(non_edges)) == len(non_edges) and not any(graph.has_edge(u, v) for u, v in non_edges)
    assert all(split.residual.degree(n) > 0 for n in graph if graph.degree(n) > 0)


def test_the_embedding_and_the_classifier_never_see_held_out_edges(monkeypatch):
    graph = nx.les_miserables_graph()
    seen: dict[str, list] = {}

    def spy_embed(residual: nx.Graph) -> dict:
        seen["graph"] = list(residual.edges())
        rng = np.random.default_rng(0)
        return {n: rng.normal(size=4) for n in residual}

    trained: list[np.ndarray] = []
    real_fit = links.hadamard

    def spy_hadamard(vectors, pairs):
        trained.append(list(pairs))
        return real_fit(vectors, pairs)

    monkeypatch.setattr(links, "hadamard", spy_hadamard)
    links.link_prediction(graph, spy_embed, seed=2)
    held_out = {frozenset(e) for e in links.split_edges(graph, seed=2).held_out}
    assert held_out and not held_out & {frozenset(e) for e in seen["graph"]}
    assert not held_out & {frozenset(e) for e in trained[0]}  # the training pairs
    assert held_out <= {frozenset(e) for e in trained[1]}  # the test pairs


def test_node2vec_predicts_links_of_a_community_graph():
    result = graph_link_prediction(load_builtin("les-miserables"), "node2vec",
                                   graph_params=GraphParams(walk_length=20, dimensions=16))
    assert result.auc > 0.75 and result.auc_low <= result.auc <= result.auc_high
    assert set(result.figures()) >= {"link_auc", "link_auc_low", "link_auc_high"}


def test_rank_auc_equals_scikit_learns():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300).astype(float)
    scores = np.round(rng.normal(size=300) + y, 1)  # rounded: ties included
    assert links.rank_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
