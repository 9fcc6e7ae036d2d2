"""Pure figure builder for search results: the map greyed out, the hits ranked on top, the query as a star."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.maps.figure import build_scatter, hover_label

BASE_COLOR = "#C9CCD6"
HIT_COLOR = "#E45756"
QUERY_COLOR = "#1F2937"


def _points(coords: np.ndarray, rows: Sequence[int] | None = None) -> dict:
    picked = coords if rows is None else coords[np.asarray(rows, dtype=int)]
    axes = {"x": picked[:, 0], "y": picked[:, 1]}
    if coords.shape[1] == 3:
        axes["z"] = picked[:, 2]
    return axes


def _trace(coords: np.ndarray, **kwargs) -> go.BaseTraceType:
    return go.Scatter3d(**kwargs) if coords.shape[1] == 3 else go.Scattergl(**kwargs)


def build_search_map(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, hit_rows: Sequence[int],
                     query_xy: np.ndarray | None, query_label: str = "query", title: str = "") -> go.Figure:
    """All points in grey, the hits in rank order (customdata = row), and the query where it lands.

    `query_xy` is None when the map cannot place the query (t-SNE); then only the hits are drawn.
    """
    coords = np.asarray(coords, dtype=np.float32)
    fig = build_scatter(coords, frame, text_column=text_column, title=title)
    fig.update_traces(marker=dict(color=BASE_COLOR, opacity=0.45), name="other points", showlegend=True)
    hits = [int(r) for r in hit_rows]
    if hits:
        ranks = [str(i) for i in range(1, len(hits) + 1)]
        hover = [f"<b>#{rank}</b> {hover_label(frame[text_column].iloc[r])}" for rank, r in zip(ranks, hits)]
        size = 7 if coords.shape[1] == 3 else 13
        fig.add_trace(_trace(coords, **_points(coords, hits), mode="markers+text", name=f"top {len(hits)} hits",
                             text=ranks, textposition="top center", customdata=np.asarray(hits),
                             hovertext=hover, hoverinfo="text",
                             marker=dict(color=HIT_COLOR, size=size, line=dict(color="white", width=1))))
    if query_xy is not None:
        point = np.asarray(query_xy, dtype=np.float32).reshape(1, -1)
        symbol = "diamond" if coords.shape[1] == 3 else "star"
        fig.add_trace(_trace(coords, **_points(point), mode="markers", name="query",
                             hovertext=[f"<b>query</b>: {hover_label(query_label)}"], hoverinfo="text",
                             marker=dict(color=QUERY_COLOR, size=20 if symbol == "star" else 8, symbol=symbol,
                                         line=dict(color="white", width=1.5))))
    fig.update_layout(legend=dict(title=dict(text="")))
    return fig
