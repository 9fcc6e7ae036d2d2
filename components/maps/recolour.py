"""A large map recoloured in the browser: its figure keeps the colouring it was first drawn with (so Streamlit,
which skips a chart the browser already holds, does not resend its points), and each colouring goes beside it
with its legend: the codes, their colours and the density image (see `core.maps.recolour`)."""
from __future__ import annotations

import streamlit as st

from core.maps.recolour import PointColours, recolour_html

BASE = "ee_map_base_colour"  # the drawn view's name and the colour column its figure was first drawn with


def base_colour(view: str, color: str | None) -> str | None:
    """The colour column the drawn points `view` were first drawn with in this session (now `color` if new)."""
    seen = st.session_state.get(BASE)
    if seen is None or seen[0] != view:
        st.session_state[BASE] = (view, color)
        return color
    return seen[1]


def recolour(colours: PointColours, density: dict | None, *, chart_key: str) -> None:
    """The legend of `colours`, and the script that draws chart `chart_key`'s points (and density) in them."""
    st.html(recolour_html(colours, density, chart_key=chart_key), unsafe_allow_javascript=True)
