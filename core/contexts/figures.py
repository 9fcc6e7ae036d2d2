"""Pure Plotly builders for the word-in-context view: the occurrence map and the static GloVe panel."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.contexts.analysis import WordInContext
from core.contexts.static import StaticNeighbours
from core.maps.figure import build_scatter, hover_label, plotly_text

ALONE_NAME = "the word alone, no context"
STAR = dict(symbol="star", size=16, color="#111111", line=dict(color="#FFFFFF", width=1))


def occurrence_figure(result: WordInContext, *, height: int = 520) -> go.Figure:
    """One point per occurrence coloured by sense, each context on hover; the word alone as a star."""
    coords = result.coords
    if coords is None:
        raise ValueError(f"'{result.word}' was analysed without a map (with_map=False).")
    frame = result.occurrence_frame()
    n = len(frame)
    hover = [f"<b>{plotly_text(s)}</b><br>{hover_label(c)}" for s, c in zip(frame["sense"], frame["context"])]
    fig = build_scatter(coords[:n], frame, text_column="context", color="sense", hover=hover,
                        title=f"'{result.word}' in {n:,} contexts", height=height, marker_scale=1.6)
    if result.alone is not None and len(coords) > n:
        x, y = coords[n]
        fig.add_trace(go.Scatter(x=[float(x)], y=[float(y)], mode="markers", name=plotly_text(ALONE_NAME),
                                 marker=STAR, hoverinfo="text",
                                 hovertext=[f"<b>{plotly_text(result.word)}</b> alone: the model's vector for the "
                                            "word with no sentence around it"]))
    fig.update_layout(dragmode="pan")
    return fig


def static_figure(static: StaticNeighbours, *, height: int = 520) -> go.Figure:
    """A static model's single vector for the word (a star) among its nearest words, by PCA of their vectors."""
    coords = np.asarray(static.coords)
    labels = [f"{plotly_text(w)} ({s:.2f})" for w, s in zip(static.neighbours, static.similarities)]
    fig = go.Figure([
        go.Scatter(x=coords[1:, 0], y=coords[1:, 1], mode="markers+text", text=[plotly_text(w) for w in static.neighbours],
                   textposition="top center", hovertext=labels, hoverinfo="text", name=f"nearest {static.space} words",
                   marker=dict(size=8, color="#7F7F7F")),
        go.Scatter(x=[float(coords[0, 0])], y=[float(coords[0, 1])], mode="markers+text",
                   text=[plotly_text(static.word)], textposition="bottom center", name=f"{static.space}'s one vector",
                   hovertext=[f"{plotly_text(static.word)}: one vector for every sentence"], hoverinfo="text",
                   marker=STAR),
    ])
    fig.update_layout(title=dict(text=f"{plotly_text(static.space)}: one vector for '{plotly_text(static.word)}'"),
                      height=height,
                      margin=dict(l=10, r=10, t=40, b=10), showlegend=False, dragmode="pan")
    fig.update_xaxes(showticklabels=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, zeroline=False)
    return fig
