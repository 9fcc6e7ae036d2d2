"""What the Map page adds for a graph: its edges under the points (with a toggle) and its faithfulness figure."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.memo import shared_view
from components.seam import Embedded
from components.state import persist
from core.graphs.faithfulness import FAITH_COLUMN, faithfulness_sentence
from core.graphs.figure import MAX_EDGES_DRAWN, drawn_edges, edge_trace, faithfulness_histogram, with_edges
from core.graphs.payload import GraphData


def _edges(payload: GraphData) -> np.ndarray:
    return payload.edge_rows()


def graph_edges(emb: Embedded, coords: np.ndarray, rows: np.ndarray, fig: go.Figure) -> go.Figure:
    """`fig` with the graph's edges drawn faintly under the points (unless turned off); other data unchanged."""
    payload = emb.dataset.payload
    if not isinstance(payload, GraphData):
        return fig
    edges = shared_view(_edges, payload)
    show = st.checkbox(f"Draw edges ({len(edges):,})", help=f"Lines between linked nodes; above "
                       f"{MAX_EDGES_DRAWN:,} edges, a seeded sample of them.",
                       **persist("ee_w_graph_edges", True, live=True))
    if not show or not len(edges):
        return fig
    shown = drawn_edges(edges, np.asarray(rows))
    if len(shown) < len(edges):
        st.caption(f"{len(shown):,} of {len(edges):,} edges drawn (a sample, or only those between drawn nodes).")
    return with_edges(fig, edge_trace(coords, shown))


def graph_faith_panel(emb: Embedded) -> None:
    """The faithfulness figure of a graph embedding (nothing for other data)."""
    if FAITH_COLUMN not in emb.dataset.frame.columns or not isinstance(emb.dataset.payload, GraphData):
        return
    values = emb.dataset.frame[FAITH_COLUMN].to_numpy(dtype=float)
    with st.expander("Does the embedding keep the graph's neighbours?"):
        st.caption(faithfulness_sentence(values) + f" Colour the map by “{FAITH_COLUMN}” to see where.")
        st.plotly_chart(faithfulness_histogram(values), key="ee_graph_faith_chart", config={"displaylogo": False})
