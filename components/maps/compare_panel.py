"""Two maps of the same rows side by side, with a linked selection and per-point neighbour overlap."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import seam
from components.maps.images import hover_pictures, with_pictures
from components.maps.plots import selected_rows, show_scatter
from components.state import persist
from core.maps.compare import align
from core.maps.figure import build_scatter

NONE = "(none)"
OVERLAP = "neighbour overlap"
LINKED = "ee_cmp_selection"
SEEN = "ee_cmp_seen"
KEYS = ("ee_cmp_left", "ee_cmp_right")


@dataclass
class Side:
    """One of the two maps: its coordinates and title."""

    coords: np.ndarray
    title: str


def below_modebar(fig: go.Figure) -> go.Figure:
    """The title moved down, just above the plot, so the modebar (top right) cannot cover it in a narrow column."""
    fig.update_layout(margin=dict(t=76), title=dict(x=0, xref="paper", y=1, yref="paper", yanchor="bottom",
                                                   pad=dict(b=8)))
    return fig


def _event_rows(key: str) -> list[int]:
    event = st.session_state.get(key)
    return selected_rows(event.get("selection")) if hasattr(event, "get") else []


def linked_selection() -> list[int]:
    """The rows selected on whichever map the user touched last (both maps highlight them)."""
    now = {key: _event_rows(key) for key in KEYS}
    seen = st.session_state.get(SEEN, {key: [] for key in KEYS})
    for key in KEYS:
        if now[key] != seen.get(key, []):
            st.session_state[LINKED] = now[key]
    st.session_state[SEEN] = now
    return st.session_state.get(LINKED, [])


def overlap_caption(overlap: np.ndarray, k: int, what: str) -> str:
    chance = k / max(len(overlap) - 1, 1)
    return (f"Mean neighbour overlap {overlap.mean():.3f}: on average {overlap.mean() * k:.1f} of each point's {k} "
            f"nearest neighbours {what} are the same (a random pairing would share {chance * k:.2f}). "
            f"{(overlap < 0.3).mean():.0%} of the points keep fewer than 30%.")


@st.fragment
def side_by_side(emb: seam.Embedded, left: Side, right: Side, overlap: np.ndarray, *, caption: str) -> None:
    """The two maps with a shared colour, aligned, and one selection highlighted on both."""
    frame = emb.dataset.frame.assign(**{OVERLAP: overlap})
    options = [NONE, OVERLAP, *emb.dataset.metadata_columns]
    c1, c2 = st.columns([2, 1])
    color = c1.selectbox("Colour both maps by", options,
                         **persist("ee_w_cmp_color", OVERLAP, options=options, live=True))
    aligned = c2.checkbox("Rotate the right map to match the left", **persist("ee_w_cmp_align", True, live=True),
                          help="Orthogonal Procrustes: rotation, mirror and scale only; neighbourhoods are unchanged.")
    st.caption(caption)
    rows = linked_selection()
    right_coords = align(left.coords, right.coords) if aligned else right.coords
    style = dict(continuous=True, colorscale="RdYlGn", color_range=(0.0, 1.0)) if color == OVERLAP else {}
    hover = seam.hover_labels(emb, tuple(emb.dataset.metadata_columns[:4]))
    for column, side, coords, key in zip(st.columns(2), (left, right), (left.coords, right_coords), KEYS):
        with column:
            fig = build_scatter(coords, frame, text_column=emb.dataset.text_column,
                                color=None if color == NONE else color, hover=hover, highlight=rows,
                                title=side.title, height=520, marker_scale=0.6, **style)
            show_scatter(below_modebar(fig), key=key)
            hover_pictures(emb, range(len(coords)), chart_key=key)
    if rows:
        picked = frame.iloc[rows]
        st.subheader(f"{len(rows):,} selected, highlighted on both maps")
        st.caption(f"Their mean neighbour overlap: {picked[OVERLAP].mean():.3f}.")
        table, config = with_pictures(emb, picked[[emb.dataset.text_column, OVERLAP, *emb.dataset.metadata_columns]],
                                      rows)
        st.dataframe(table, hide_index=True, width="stretch", key="ee_cmp_table", column_config=config)


def worst_rows(overlap: np.ndarray, n: int = 10) -> np.ndarray:
    """The `n` points whose neighbourhoods differ most between the two sides, worst first."""
    return np.argsort(overlap, kind="stable")[:n]


def overlap_table(frame: pd.DataFrame, overlap: np.ndarray, text_column: str, n: int = 10) -> pd.DataFrame:
    """The points whose neighbourhoods differ most between the two sides."""
    order = worst_rows(overlap, n)
    return pd.DataFrame({text_column: frame[text_column].to_numpy()[order], OVERLAP: overlap[order]})
