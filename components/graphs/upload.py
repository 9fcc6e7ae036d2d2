"""Upload a graph: an edge list (source and target columns picked like a text column) or a GML/GraphML file,
with an optional node table joined by node id."""
from __future__ import annotations

import streamlit as st

from core.data import loaders
from core.data.table import Dataset
from core.graphs.reading import GRAPH_EXTENSIONS, PLAIN_EDGE_LISTS, edge_columns, load_graph

GRAPH_TYPES = ["csv", "tsv", "tab", "gml", "graphml", "edgelist", "edges", "txt"]
NO_WEIGHT = "(none: every edge weighs 1)"


def _edge_pickers(data: bytes, name: str) -> dict[str, str | None]:
    """Source, target and weight pickers for an edge-list table, starting from the likely columns."""
    frame = loaders.read_table(data, name)
    st.dataframe(frame.head(20), hide_index=True, key="ee_graph_upload_preview")
    source, target, weight = edge_columns(frame)
    columns = list(frame.columns)
    left, middle, right = st.columns(3)
    chosen_source = left.selectbox("Source column", columns, index=columns.index(source), key="ee_graph_source")
    chosen_target = middle.selectbox("Target column", columns, index=columns.index(target), key="ee_graph_target")
    weights = [NO_WEIGHT, *[c for c in columns if c not in (chosen_source, chosen_target)]]
    chosen_weight = right.selectbox("Weight column", weights, index=weights.index(weight) if weight in weights else 0,
                                    key="ee_graph_weight")
    return {"source": chosen_source, "target": chosen_target,
            "weight": None if chosen_weight == NO_WEIGHT else chosen_weight}


def graph_upload() -> Dataset | None:
    """The graph upload widgets; a dataset of nodes once the user confirms."""
    file = st.file_uploader("Edge list (CSV/TSV with a header, or plain `source target [weight]` lines) or a "
                            "GML/GraphML file", type=GRAPH_TYPES,
                            key="ee_upload_graph")
    nodes = st.file_uploader("Node table (optional: a node id column and attributes, joined to the nodes)",
                             type=["csv", "tsv", "tab", "parquet"], key="ee_upload_graph_nodes")
    if file is None:
        return None
    data = file.getvalue()
    is_table = not file.name.lower().endswith((*GRAPH_EXTENSIONS, *PLAIN_EDGE_LISTS))
    columns = _edge_pickers(data, file.name) if is_table else {}
    if not st.button("Use this graph", type="primary", key="ee_upload_use_graph"):
        return None
    table = loaders.read_table(nodes.getvalue(), nodes.name) if nodes is not None else None
    dataset = load_graph(data, file.name, node_table=table, **columns)
    st.info(dataset.payload.report.summary())  # type: ignore[union-attr]
    return dataset
