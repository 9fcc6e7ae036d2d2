"""The quality views on the map: pure builders of Plotly figures (the pages only render them)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.maps.figure import build_scatter, render_rows

OUTLIER_SCORE = "outlier score"
DUPLICATE_GROUP = "duplicate group"
SIDE = "side"
MAX_LINKS = 5_000  # pairs drawn as lines on the map
LINK_COLOUR = "rgba(220, 40, 40, 0.7)"


def _frame(dataset_frame: pd.DataFrame, text_column: str, column: str, values) -> pd.DataFrame:
    return dataset_frame[[text_column]].assign(**{column: values})


def outlier_map(coords: np.ndarray, frame: pd.DataFrame, text_column: str, scores: np.ndarray,
                flagged: np.ndarray, *, title: str = "", hover: Sequence[str] | None = None) -> go.Figure:
    """The map coloured by outlier score, the flagged points ringed."""
    rows = render_rows(len(frame), keep=np.flatnonzero(flagged).tolist())
    return build_scatter(coords, _frame(frame, text_column, OUTLIER_SCORE, scores), text_column=text_column,
                         color=OUTLIER_SCORE, continuous=True, colorscale="Inferno", rows=rows,
                         highlight=np.flatnonzero(flagged).tolist(), title=title, hover=hover)


def link_pairs(fig: go.Figure, coords: np.ndarray, pairs: pd.DataFrame, *, limit: int = MAX_LINKS) -> None:
    """A line between the members of each pair (the most similar `limit` pairs)."""
    shown = pairs.head(limit)
    a, b = shown["row_a"].to_numpy(), shown["row_b"].to_numpy()
    dims = coords.shape[1]
    gaps = np.full((len(shown), dims), np.nan, dtype=np.float32)
    path = np.stack([coords[a], coords[b], gaps], axis=1).reshape(-1, dims)
    line = dict(x=path[:, 0], y=path[:, 1], mode="lines", name="near-duplicate pairs", hoverinfo="skip",
                line=dict(color=LINK_COLOUR, width=1.5))
    fig.add_trace(go.Scatter3d(z=path[:, 2], **line) if dims == 3 else go.Scattergl(**line))


def duplicate_map(coords: np.ndarray, frame: pd.DataFrame, text_column: str, groups: np.ndarray,
                  pairs: pd.DataFrame, *, title: str = "", hover: Sequence[str] | None = None) -> go.Figure:
    """The map coloured by duplicate group, each pair's members joined by a line."""
    labels = np.where(groups >= 0, np.char.add("group ", groups.astype(str)), "no duplicate")
    rows = render_rows(len(frame), keep=np.flatnonzero(groups >= 0).tolist())
    fig = build_scatter(coords, _frame(frame, text_column, DUPLICATE_GROUP, labels), text_column=text_column,
                        color=DUPLICATE_GROUP, continuous=False, rows=rows, title=title, hover=hover)
    link_pairs(fig, coords, pairs)
    return fig


def drift_map(coords: np.ndarray, frame: pd.DataFrame, text_column: str, side_names: np.ndarray, *,
              title: str = "", hover: Sequence[str] | None = None) -> go.Figure:
    """The joint map of both sides, coloured by side (rows on neither side are left out)."""
    rows = render_rows(len(frame), visible=side_names != "")
    return build_scatter(coords, _frame(frame, text_column, SIDE, side_names), text_column=text_column, color=SIDE,
                         continuous=False, rows=rows, title=title, hover=hover)
