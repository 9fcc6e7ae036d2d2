"""Graph faithfulness against a brute-force count."""
from __future__ import annotations

import networkx as nx
import numpy as np

from core.graphs.faithfulness import graph_faithfulness


def test_faithfulness_matches_brute_force():
    graph = nx.les_miserables_graph()
    nodes = list(graph.nodes())
    row = {n: i for i, n in enumerate(nodes)}
    edges = np.array([(row[u], row[v]) for u, v in graph.edges()])
    vectors = np.random.default_rng(0).normal(size=(len(nodes), 8)).astype(np.float32)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    expected = []
    for i, node in enumerate(nodes):
        k = min(graph.degree(node), 10)
        nearest = np.argsort(-similarity[i], kind="stable")[:k]
        expected.append(np.mean([graph.has_edge(node, nodes[j]) for j in nearest]))
    np.testing.assert_allclose(graph_faithfulness(edges, vectors), expected)


def test_isolated_nodes_have_no_faithfulness():
    values = graph_faithfulness(np.array([[0, 1]]), np.eye(3, dtype=np.float32) + 0.1)
    assert values[0] == 1.0 and values[1] == 1.0 and np.isnan(values[2])
