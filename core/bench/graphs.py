"""Bench section "graphs": DeepWalk vectors of a 10,000-node graph, our numpy walks + gensim against a plain
networkx walk + gensim with the same settings."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from core.graphs.settings import GraphParams

SEED = 0


@dataclass(frozen=True)
class GraphSizes:
    """The graph (nodes, edges per new node of a clustered power-law graph) and the walk settings."""

    nodes: int = 10_000
    edges_per_node: int = 5
    walks_per_node: int = 10
    walk_length: int = 40
    epochs: int = 1


def bench_graph(nodes: int, edges_per_node: int) -> nx.Graph:
    """A seeded clustered power-law graph, shaped like social networks."""
    return nx.powerlaw_cluster_graph(nodes, edges_per_node, 0.1, seed=SEED)


def plain_walks(graph: nx.Graph, params: GraphParams) -> list[list[str]]:
    """The usual DeepWalk walks: Python's random.choice over each node's neighbours, tokens as strings."""
    rng = random.Random(params.seed)
    nodes = list(graph.nodes())
    walks = []
    for _ in range(params.walks_per_node):
        rng.shuffle(nodes)
        for start in nodes:
            walk = [start]
            while len(walk) < params.walk_length:
                walk.append(rng.choice(list(graph.neighbors(walk[-1]))))
            walks.append([str(n) for n in walk])
    return walks


def plain_deepwalk(graph: nx.Graph, params: GraphParams):
    """Plain networkx walks, then gensim's skip-gram with the same settings as ours."""
    from gensim.models import Word2Vec

    walks = plain_walks(graph, params)
    return Word2Vec(walks, vector_size=params.dimensions, window=params.window, min_count=1, sg=1,
                    seed=params.seed, workers=params.workers_for(graph.number_of_nodes()), epochs=params.epochs)


def bench_graphs(workdir: Path, sizes: GraphSizes) -> dict[str, float]:
    """Seconds to DeepWalk vectors: ours against plain networkx + gensim, and their ratio."""
    from gensim.models import Word2Vec  # noqa: F401 - imported before either clock starts

    from core.graphs.models import node_vectors

    graph = bench_graph(sizes.nodes, sizes.edges_per_node)
    params = GraphParams(walks_per_node=sizes.walks_per_node, walk_length=sizes.walk_length, epochs=sizes.epochs)
    start = time.perf_counter()
    node_vectors(graph, "deepwalk", params)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    plain_deepwalk(graph, params)
    plain = time.perf_counter() - start
    return {"graph_nodes": sizes.nodes, "graph_embed_s": round(ours, 3), "graph_embed_baseline_s": round(plain, 3),
            "graph_embed_ratio": round(ours / plain, 3)}
