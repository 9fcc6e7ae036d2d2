"""Pure Plotly figure builders (unit-tested through `fig.to_dict()`) and thin renderers."""
from __future__ import annotations

import html
import textwrap
from typing import Any, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MAX_CATEGORIES = 20
HOVER_CHARS = 240
HOVER_WIDTH = 60
OTHER = "(other)"
_SHADES = " ░▒▓█"
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#EECA3B", "#B279A2", "#FF9DA6", "#9D755D",
           "#79706E", "#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22",
           "#AEC7E8", "#FFBB78"]  # Vega's Tableau-10 then D3's category colours: 20 distinct hues


def hover_label(text: Any, *, limit: int = HOVER_CHARS) -> str:
    """User text made safe for Plotly hover: truncated, HTML-escaped, wrapped."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    lines = textwrap.wrap(text, HOVER_WIDTH) or [""]
    return "<br>".join(html.escape(line) for line in lines)


def image_as_text(image: np.ndarray) -> str:
    """A small grayscale image drawn with block characters, for hover labels."""
    top = float(image.max()) or 1.0
    levels = np.clip((image / top * (len(_SHADES) - 1)).round().astype(int), 0, len(_SHADES) - 1)
    return "<br>".join("".join(_SHADES[v] * 2 for v in row) for row in levels)


def hover_texts(frame: pd.DataFrame, text_column: str, hover_columns: Sequence[str] = (),
                images: np.ndarray | None = None) -> list[str]:
    """One hover label per row: the text, then `column: value` lines, then the image if any."""
    labels = [f"<b>{hover_label(t)}</b>" for t in frame[text_column]]
    for column in hover_columns:
        values = frame[column].tolist()
        labels = [f"{lab}<br>{html.escape(str(column))}: {hover_label(v, limit=80)}" for lab, v in zip(labels, values)]
    if images is not None:
        labels = [f"{lab}<br>{image_as_text(img)}" for lab, img in zip(labels, images)]
    return labels


def is_continuous(values: pd.Series) -> bool:
    """Numeric with many distinct values: drawn with a colour scale, not a legend."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) \
        and values.nunique() > MAX_CATEGORIES


def category_labels(values: pd.Series) -> pd.Series:
    """Values as strings, with all but the most frequent categories folded into '(other)'."""
    labels = values.astype(str).where(values.notna(), "(missing)")
    top = labels.value_counts().index[:MAX_CATEGORIES]
    return labels.where(labels.isin(top), OTHER)


def _trace(coords: np.ndarray, rows: np.ndarray, hover: list[str], name: str, marker: dict) -> go.BaseTraceType:
    common = dict(mode="markers", name=name, customdata=rows, hovertext=[hover[i] for i in rows],
                  hoverinfo="text", marker=marker)
    if coords.shape[1] == 3:
        return go.Scatter3d(x=coords[rows, 0], y=coords[rows, 1], z=coords[rows, 2], **common)
    return go.Scattergl(x=coords[rows, 0], y=coords[rows, 1], **common)


def build_scatter(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, color: str | None = None,
                  hover_columns: Sequence[str] = (), images: np.ndarray | None = None,
                  visible: np.ndarray | None = None, title: str = "") -> go.Figure:
    """A WebGL scatter of `coords`; each point's customdata is its row number in `frame`."""
    coords = np.asarray(coords, dtype=np.float32)
    rows = np.arange(len(frame)) if visible is None else np.flatnonzero(visible)
    hover = hover_texts(frame, text_column, hover_columns, images)
    size = 3 if coords.shape[1] == 3 else max(3, min(8, int(900 / np.sqrt(max(len(rows), 1)))))
    traces = []
    if color is None:
        traces.append(_trace(coords, rows, hover, "points", dict(size=size, opacity=0.75)))
    elif is_continuous(frame[color]):
        values = frame[color].to_numpy(dtype=float)[rows]
        marker = dict(size=size, opacity=0.8, color=values, colorscale="Viridis", showscale=True,
                      colorbar=dict(title=dict(text=html.escape(str(color)))))
        traces.append(_trace(coords, rows, hover, str(color), marker))
    else:
        labels = category_labels(frame[color]).to_numpy()[rows]
        for label in pd.unique(labels):
            members = rows[labels == label]
            grey = dict(color="#BBBBBB") if label == OTHER else {}
            traces.append(_trace(coords, members, hover, html.escape(str(label)), dict(size=size, opacity=0.8, **grey)))
    fig = go.Figure(traces)
    fig.update_layout(title=dict(text=html.escape(title)), height=640, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(itemsizing="constant", title=dict(text=html.escape(str(color or "")))),
                      dragmode="lasso" if coords.shape[1] == 2 else "orbit", hoverlabel=dict(font_family="monospace"),
                      colorway=PALETTE)
    fig.update_xaxes(showticklabels=False, title=None)
    fig.update_yaxes(showticklabels=False, title=None)
    return fig


def selected_rows(selection: dict | None) -> list[int]:
    """Row numbers of the points in a Streamlit Plotly selection event, in order, without repeats."""
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else []
    rows: list[int] = []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data is not None:
            rows.append(int(data))
    return list(dict.fromkeys(rows))


def show_scatter(fig: go.Figure, *, key: str) -> list[int]:
    """Render the map and return the rows the user selected with box or lasso."""
    import streamlit as st

    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points", "box", "lasso"),
                            config={"displaylogo": False, "scrollZoom": True})
    selection = event.get("selection") if hasattr(event, "get") else None
    return selected_rows(selection)
