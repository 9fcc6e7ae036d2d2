"""The edges of a graph drawn faintly under its map's points, sampled when there are many; faithfulness figure."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

MAX_EDGES_DRAWN = 3_000
EDGE_STYLE = dict(color="rgba(120, 120, 120, 0.25)", width=0.7)


def drawn_edges(edges: np.ndarray, rows: np.ndarray, *, max_edges: int = MAX_EDGES_DRAWN,
                seed: int = 0) -> np.ndarray:
    """The edges (pairs of row numbers) whose two ends are drawn, a seeded sample of `max_edges` when more."""
    drawn = np.zeros(int(max(edges.max(initial=-1), rows.max(initial=-1))) + 1, dtype=bool)
    drawn[rows] = True
    shown = edges[drawn[edges[:, 0]] & drawn[edges[:, 1]]] if len(edges) else edges
    if len(shown) > max_edges:
        pick = np.sort(np.random.default_rng(seed).choice(len(shown), max_edges, replace=False))
        shown = shown[pick]
    return shown


def edge_trace(coords: np.ndarray, edges: np.ndarray) -> go.BaseTraceType:
    """One line trace through every edge (a gap between edges), not hoverable and not selectable."""
    coords = np.asarray(coords, dtype=np.float32)
    gaps = np.full((len(edges), 1), np.nan, dtype=np.float32)
    axes = [np.hstack([coords[edges[:, 0], d:d + 1], coords[edges[:, 1], d:d + 1], gaps]).ravel()
            for d in range(coords.shape[1])]
    common = dict(mode="lines", line=EDGE_STYLE, hoverinfo="skip", showlegend=False, name="edges")
    if coords.shape[1] == 3:
        return go.Scatter3d(x=axes[0], y=axes[1], z=axes[2], **common)
    return go.Scattergl(x=axes[0], y=axes[1], **common)


def with_edges(fig: go.Figure, trace: go.BaseTraceType) -> go.Figure:
    """A copy of `fig` with the edges drawn first, under the points."""
    return go.Figure(data=[trace, *fig.data], layout=fig.layout)


def faithfulness_histogram(values: np.ndarray) -> go.Figure:
    """How many nodes keep which share of their graph neighbours among their nearest embedding neighbours."""
    known = values[np.isfinite(values)]
    fig = go.Figure(go.Histogram(x=known, xbins=dict(start=0, end=1.0001, size=0.1), marker_color="#4c78a8"))
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=30, b=10), bargap=0.05,
                      title="Graph faithfulness per node",
                      xaxis_title="share of graph neighbours among nearest embedding neighbours",
                      yaxis_title="nodes")
    return fig
