"""Graphs in: edge lists (CSV/TSV), GML and GraphML read safely, and an optional node table joined by node id."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.data.loaders.text import decode_text
from core.data.table import Dataset
from core.errors import DataError
from core.graphs.payload import LoadReport, graph_dataset

if TYPE_CHECKING:  # networkx loads only when a graph is read: the Map page imports this module
    import networkx as nx

SOURCE_NAMES = ("source", "src", "from", "u", "node1", "head")
TARGET_NAMES = ("target", "dst", "to", "v", "node2", "tail")
WEIGHT_NAMES = ("weight", "w", "value", "strength")
ID_NAMES = ("id", "node", "name", "key")
GRAPH_EXTENSIONS = (".gml", ".graphml")
PLAIN_EDGE_LISTS = (".edgelist", ".edges", ".txt")  # whitespace-separated "source target [weight]" lines, # comments
MAX_EDGES = 5_000_000


def _named(frame: pd.DataFrame, names: tuple[str, ...], skip: tuple = ()) -> str | None:
    """The first column whose lower-cased name is one of `names` (and not in `skip`)."""
    by_lower = {str(c).lower(): c for c in frame.columns if c not in skip}
    return next((by_lower[n] for n in names if n in by_lower), None)


def edge_columns(frame: pd.DataFrame) -> tuple[str, str, str | None]:
    """The likely source, target and weight columns: by name, else the first two columns and no weight."""
    if frame.shape[1] < 2:
        raise DataError("An edge list needs at least two columns: the source and the target node of each edge.")
    source = _named(frame, SOURCE_NAMES) or frame.columns[0]
    target = _named(frame, TARGET_NAMES, skip=(source,)) or next(c for c in frame.columns if c != source)
    weight = _named(frame, WEIGHT_NAMES, skip=(source, target))
    return source, target, weight


def _node_id(value: object) -> str:
    """Node ids from tables compare as text, so that 7 in the edge list meets '7' in the node table."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _weights(frame: pd.DataFrame, weight: str | None) -> np.ndarray:
    """Edge weights (1 without a weight column); non-numeric or non-positive weights are refused."""
    if weight is None:
        return np.ones(len(frame))
    values = pd.to_numeric(frame[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise DataError(f"The weight column '{weight}' needs a positive number on every row; row "
                        f"{int(np.flatnonzero(bad)[0]) + 1} has {frame[weight].iloc[int(np.flatnonzero(bad)[0])]!r}.")
    return values


def edges_to_graph(pairs: list[tuple[Hashable, Hashable]], weights: np.ndarray, *,
                   nodes: tuple[Hashable, ...] = (), directed: bool = False) -> tuple[nx.Graph, LoadReport]:
    """An undirected weighted graph: self-loops removed, duplicate edges merged (weights added), all counted."""
    import networkx as nx

    if len(pairs) > MAX_EDGES:
        raise DataError(f"The graph has {len(pairs):,} edges; at most {MAX_EDGES:,} can be embedded here.")
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    loops = duplicates = 0
    for (u, v), w in zip(pairs, weights):
        graph.add_nodes_from((u, v))
        if u == v:
            loops += 1
        elif graph.has_edge(u, v):
            duplicates += 1
            graph[u][v]["weight"] += float(w)
        else:
            graph.add_edge(u, v, weight=float(w))
    if graph.number_of_nodes() == 0:
        raise DataError("The graph has no nodes. Check that the file lists edges.")
    report = LoadReport(graph.number_of_nodes(), graph.number_of_edges(), loops, duplicates,
                        nx.number_of_isolates(graph), directed=directed)
    return graph, report


def edge_list_graph(frame: pd.DataFrame, *, source: str | None = None, target: str | None = None,
                    weight: str | None = None) -> tuple[nx.Graph, LoadReport]:
    """The graph of an edge-list table; columns picked like text columns unless named."""
    guess = edge_columns(frame)
    source, target = source or guess[0], target or guess[1]
    weight = weight if weight is not None or source != guess[0] or target != guess[1] else guess[2]
    for column in (source, target, weight):
        if column is not None and column not in frame.columns:
            raise DataError(f"The column '{column}' is not in the edge list. Columns: "
                            f"{', '.join(map(str, frame.columns))}.")
    if source == target:
        raise DataError("The source and target columns must differ.")
    kept = frame[[source, target]].notna().all(axis=1).to_numpy()
    if not kept.any():
        raise DataError("No row of the edge list names both a source and a target node.")
    rows = frame[kept]
    pairs = list(zip(rows[source].map(_node_id), rows[target].map(_node_id)))
    return edges_to_graph(pairs, _weights(rows, weight))


def plain_edge_list(data: bytes, filename: str) -> pd.DataFrame:
    """A whitespace-separated edge list (SNAP's format: `source target [weight]`, lines starting with # skipped)."""
    text, _ = decode_text(data, filename)
    rows = [line.split() for line in text.splitlines() if line.strip() and not line.lstrip().startswith(("#", "%"))]
    widths = {len(row) for row in rows}
    if not rows or not widths <= {2, 3} or len(widths) > 1:
        raise DataError(f"{filename}: each line of an edge list needs two node ids and, optionally, a weight, "
                        "separated by spaces or tabs.")
    return pd.DataFrame(rows, columns=["source", "target", "weight"][:widths.pop()])


def _as_simple(graph: nx.Graph) -> tuple[nx.Graph, LoadReport]:
    """A file's graph (possibly directed, or a multigraph) as a simple undirected graph, with node attributes."""
    pairs = [(u, v) for u, v in graph.edges()]
    weights = np.asarray([float(d.get("weight", 1.0) or 1.0) for _, _, d in graph.edges(data=True)])
    simple, report = edges_to_graph(pairs, np.clip(weights, 1e-12, None), nodes=tuple(graph.nodes()),
                                    directed=graph.is_directed())
    for node, attributes in graph.nodes(data=True):
        simple.nodes[node].update(attributes)
    return simple, report


def read_gml(data: bytes, filename: str) -> tuple[nx.Graph, LoadReport]:
    """A GML file (plain text, no links followed); nodes named by their label, else their id."""
    import networkx as nx

    text, _ = decode_text(data, filename)
    try:
        try:
            graph = nx.parse_gml(text, label="label")
        except nx.NetworkXError:  # labels missing or repeated: the ids name the nodes
            graph = nx.parse_gml(text, label="id")
    except (nx.NetworkXError, ValueError, KeyError) as err:
        raise DataError(f"{filename} is not a readable GML file ({err}).") from None
    return _as_simple(graph)


def read_graphml(data: bytes, filename: str) -> tuple[nx.Graph, LoadReport]:
    """A GraphML file; DTDs, entities and external references are refused before networkx parses it."""
    import defusedxml.ElementTree as safe_xml
    import networkx as nx
    from defusedxml import DefusedXmlException

    try:
        safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DataError(f"{filename} declares a DTD, entities or external references; GraphML files with those "
                        "are refused (they can expand without bound or read other files). Remove the "
                        "<!DOCTYPE …> part and try again.") from None
    except safe_xml.ParseError as err:
        raise DataError(f"{filename} is not well-formed XML ({err}).") from None
    try:
        graph = nx.parse_graphml(data)
    except (nx.NetworkXError, ValueError, KeyError) as err:
        raise DataError(f"{filename} is not a readable GraphML file ({err}).") from None
    return _as_simple(graph)


def join_node_table(graph: nx.Graph, report: LoadReport, table: pd.DataFrame,
                    id_column: str | None = None) -> tuple[pd.DataFrame, LoadReport]:
    """The node table's columns indexed by graph node; rows naming no node are left out and counted."""
    id_column = id_column or _named(table, ID_NAMES) or table.columns[0]
    if id_column not in table.columns:
        raise DataError(f"The node id column '{id_column}' is not in the node table.")
    by_text = {_node_id(n): n for n in graph.nodes()}
    ids = table[id_column].map(_node_id)
    known = ids.isin(list(by_text)).to_numpy()
    rows = table[known].drop(columns=[id_column]).set_axis([by_text[i] for i in ids[known]])
    rows = rows[~rows.index.duplicated(keep="first")]
    missing = graph.number_of_nodes() - len(rows)
    attributes = rows.reindex(list(graph.nodes()))
    return attributes, replace(report, unknown_node_ids=int((~known).sum()), nodes_without_attributes=missing)


def load_graph(data: bytes, filename: str, *, source: str | None = None, target: str | None = None,
               weight: str | None = None, node_table: pd.DataFrame | None = None,
               node_id_column: str | None = None) -> Dataset:
    """A graph file (GML, GraphML, or an edge-list table) as a dataset of nodes."""
    from core.data.loaders.tables import read_table

    ext = "." + filename.lower().rsplit(".", 1)[-1]
    if ext == ".gml":
        graph, report = read_gml(data, filename)
    elif ext == ".graphml":
        graph, report = read_graphml(data, filename)
    elif ext in PLAIN_EDGE_LISTS:
        graph, report = edge_list_graph(plain_edge_list(data, filename))
    else:
        graph, report = edge_list_graph(read_table(data, filename), source=source, target=target, weight=weight)
    return graph_to_nodes(graph, report, name=filename, node_table=node_table, node_id_column=node_id_column)


def graph_to_nodes(graph: nx.Graph, report: LoadReport, *, name: str, node_table: pd.DataFrame | None = None,
                   node_id_column: str | None = None) -> Dataset:
    """The dataset of a read graph, with the node table's columns when one is given."""
    attributes = None
    if node_table is not None:
        attributes, report = join_node_table(graph, report, node_table, node_id_column)
    description = f"{name}: a graph of {report.summary()}"
    return graph_dataset(graph, name=name, description=description, report=report, attributes=attributes)


def _file_bytes(path: Path) -> bytes:
    """A file's bytes, with one sentence when it is missing or not a file."""
    if not path.is_file():
        raise DataError(f"{path} is not a file. Check the path and try again.")
    return path.read_bytes()


def load_graph_path(path: str | Path, *, source_column: str | None = None, target_column: str | None = None,
                    metadata_path: str | Path | None = None) -> Dataset:
    """A GML/GraphML file or an edge-list table on disk as a graph of nodes, with an optional node table."""
    from core.data.loaders.tables import read_table

    path = Path(path)
    table = read_table(_file_bytes(Path(metadata_path)), Path(metadata_path).name) if metadata_path else None
    return load_graph(_file_bytes(path), path.name, source=source_column, target=target_column, node_table=table)
