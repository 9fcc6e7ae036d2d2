"""A graph dataset: one row per node, the graph itself carried beside the frame."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.data.table import Dataset

if TYPE_CHECKING:  # the graph arrives built: networkx loads where graphs are read or embedded
    import networkx as nx

GRAPH = "graph"
NODE_COLUMN = "node"
DEGREE_COLUMN = "degree"


@dataclass(frozen=True)
class LoadReport:
    """What reading a graph found and did, counted so that nothing is dropped unseen."""

    nodes: int = 0
    edges: int = 0
    self_loops: int = 0  # removed: a walk gains nothing from a step to the node it is on
    duplicate_edges: int = 0  # merged into one edge, their weights added
    isolated_nodes: int = 0  # kept: they get vectors, but no neighbours to place them by
    unknown_node_ids: int = 0  # node-table rows naming no node of the graph: left out
    nodes_without_attributes: int = 0  # graph nodes the node table has no row for
    directed: bool = False  # edges were read as undirected

    def sentences(self) -> list[str]:
        """One sentence per finding worth telling the user (empty when the graph was read as it is)."""
        found = [
            (self.self_loops, f"{self.self_loops:,} self-loop(s) removed"),
            (self.duplicate_edges, f"{self.duplicate_edges:,} duplicate edge(s) merged (weights added)"),
            (self.isolated_nodes, f"{self.isolated_nodes:,} isolated node(s) kept (no edges: their vectors "
                                  "carry no information)"),
            (self.unknown_node_ids, f"{self.unknown_node_ids:,} node-table row(s) name no node of the graph "
                                    "and were left out"),
            (self.nodes_without_attributes, f"{self.nodes_without_attributes:,} node(s) have no row in the node "
                                            "table"),
            (self.directed, "directed edges were read as undirected"),
        ]
        return [f"{text[0].upper()}{text[1:]}." for count, text in found if count]

    def summary(self) -> str:
        """The counts in one line, then what was changed."""
        return " ".join([f"{self.nodes:,} nodes, {self.edges:,} edges.", *self.sentences()])


@dataclass(eq=False)
class GraphData:
    """The `graph` payload: the whole graph (walks use every node) and the node id of each dataset row."""

    graph: nx.Graph
    nodes: tuple[Hashable, ...]
    report: LoadReport = field(default_factory=LoadReport)
    kind: str = GRAPH

    def take(self, rows: np.ndarray) -> GraphData:
        """The same graph, with the nodes of the given rows, in that order."""
        return replace(self, nodes=tuple(self.nodes[int(r)] for r in rows))

    def content_hashes(self) -> list[str]:
        """A hash of the edges and their weights: two uploads with the same nodes but other edges differ."""
        from core.hashing import hash_texts

        edges = sorted(f"{u!r}\x1f{v!r}\x1f{d.get('weight', 1)!r}" for u, v, d in self.graph.edges(data=True))
        return hash_texts(["\x1e".join(edges)])

    def edge_rows(self) -> np.ndarray:
        """Each edge between two of the rows' nodes as a pair of row numbers (E x 2)."""
        row_of = {node: row for row, node in enumerate(self.nodes)}
        pairs = [(row_of[u], row_of[v]) for u, v in self.graph.edges() if u in row_of and v in row_of]
        return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def graph_payload(dataset: Dataset) -> GraphData:
    """The graph a dataset carries; TypeError for any other kind (a programming error, not the user's)."""
    if not isinstance(dataset.payload, GraphData):
        raise TypeError(f"{dataset.name} is not a graph dataset")
    return dataset.payload


def graph_dataset(graph: nx.Graph, *, name: str, description: str = "", report: LoadReport | None = None,
                  attributes: pd.DataFrame | None = None) -> Dataset:
    """One row per node: its id, its degree and its attributes (`attributes`, indexed by node, else the graph's)."""
    nodes = list(graph.nodes())
    frame = pd.DataFrame({NODE_COLUMN: [str(n) for n in nodes],
                          DEGREE_COLUMN: [graph.degree(n) for n in nodes]})
    table = attributes if attributes is not None else _node_attributes(graph, nodes)
    for column in table.columns:
        if column not in frame.columns:
            frame[column] = table[column].reindex(nodes).to_numpy()
    payload = GraphData(graph, tuple(nodes), report or LoadReport(len(nodes), graph.number_of_edges()))
    return Dataset(name, frame, NODE_COLUMN, description=description, payload=payload)


def _node_attributes(graph: nx.Graph, nodes: list) -> pd.DataFrame:
    """The graph's own node attributes, one column each (GML and GraphML files carry them)."""
    return pd.DataFrame.from_dict({n: graph.nodes[n] for n in nodes}, orient="index").reindex(nodes)
