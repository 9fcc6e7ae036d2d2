"""Random walks: they stay on the graph, and p and q move the second step exactly as node2vec defines."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from core.graphs.walks import CsrGraph, random_walks, walk_round


def _kite() -> nx.Graph:
    """t=0 linked to v=1 and to x=2; v also reaches 2 (a neighbour of t) and 3, 4 (two steps from t)."""
    return nx.Graph([(0, 1), (0, 2), (1, 2), (1, 3), (1, 4), (3, 4), (4, 5)])


def _expected_second_step(graph: nx.Graph, t: int, v: int, p: float, q: float) -> dict[int, float]:
    """node2vec's transition probabilities from v, having come from t, on an unweighted graph."""
    bias = {x: 1 / p if x == t else 1.0 if graph.has_edge(t, x) else 1 / q for x in graph.neighbors(v)}
    total = sum(bias.values())
    return {x: b / total for x, b in bias.items()}


@pytest.mark.parametrize("p, q", [(1.0, 1.0), (0.25, 4.0), (4.0, 0.25), (2.0, 2.0)])
def test_second_step_matches_node2vec_probabilities(p, q):
    graph = _kite()
    csr = CsrGraph.of(graph, list(range(6)))
    rng = np.random.default_rng(1)
    n = 60_000
    walks = walk_round(csr, np.zeros(n, dtype=np.int64), 3, rng, p=p, q=q)
    from_one = walks[walks[:, 1] == 1]
    expected = _expected_second_step(graph, 0, 1, p, q)
    counts = {x: int((from_one[:, 2] == x).sum()) for x in expected}
    total = len(from_one)
    for x, share in expected.items():
        sd = np.sqrt(share * (1 - share) / total)
        assert abs(counts[x] / total - share) < 5 * sd, (x, counts[x] / total, share)


def test_low_p_returns_more_and_low_q_goes_outward_more():
    graph = _kite()
    csr = CsrGraph.of(graph, list(range(6)))

    def shares(p: float, q: float) -> tuple[float, float]:
        walks = walk_round(csr, np.zeros(40_000, dtype=np.int64), 3, np.random.default_rng(0), p=p, q=q)
        second = walks[walks[:, 1] == 1][:, 2]
        return float(np.mean(second == 0)), float(np.mean(np.isin(second, [3, 4])))

    uniform_back, uniform_out = shares(1.0, 1.0)
    assert shares(0.2, 1.0)[0] > uniform_back + 0.2
    assert shares(5.0, 1.0)[0] < uniform_back - 0.1
    assert shares(1.0, 0.2)[1] > uniform_out + 0.2
    assert shares(1.0, 5.0)[1] < uniform_out - 0.2


@pytest.mark.parametrize("p, q", [(1.0, 1.0), (0.5, 2.0)])
def test_walks_never_leave_the_graph(p, q):
    graph = nx.les_miserables_graph()
    nodes = list(graph.nodes())
    graph.add_node("alone")
    nodes.append("alone")
    csr = CsrGraph.of(graph, nodes)
    walks = random_walks(csr, walks_per_node=3, length=15, p=p, q=q, seed=3)
    assert len(walks) == 3 * len(nodes)
    assert sorted(w[0] for w in walks) == sorted(list(range(len(nodes))) * 3)
    for walk in walks:
        if nodes[walk[0]] == "alone":
            assert walk == [walk[0]]
            continue
        assert len(walk) == 15
        assert all(graph.has_edge(nodes[a], nodes[b]) for a, b in zip(walk, walk[1:]))


def test_weighted_steps_follow_the_weights():
    graph = nx.Graph()
    graph.add_edge(0, 1, weight=1.0)
    graph.add_edge(0, 2, weight=3.0)
    csr = CsrGraph.of(graph, [0, 1, 2])
    walks = walk_round(csr, np.zeros(40_000, dtype=np.int64), 2, np.random.default_rng(0))
    assert abs(np.mean(walks[:, 1] == 2) - 0.75) < 0.01


def test_walks_are_seeded():
    csr = CsrGraph.of(nx.karate_club_graph(), list(range(34)))
    assert random_walks(csr, walks_per_node=2, length=8, p=0.5, q=2, seed=7) == \
        random_walks(csr, walks_per_node=2, length=8, p=0.5, q=2, seed=7)
    assert random_walks(csr, walks_per_node=2, length=8, seed=7) != random_walks(csr, walks_per_node=2, length=8,
                                                                                 seed=8)
