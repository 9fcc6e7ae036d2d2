"""Zooming a large map into detail, and selections that count every point of the dataset.

Streamlit reports no zoom events from a Plotly chart, so the user draws a box or lasso and asks for every
point there: the region goes into the URL (`zoom`, see core.maps.view_state), so a link reopens it, and the
map then draws only that region (all its points when few enough, else a sample over the region's density).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.maps.region import Region, inside_shapes
from core.maps.view_state import ZOOM, decode_zoom

Shapes = list[tuple[np.ndarray, np.ndarray]]


def current_zoom() -> Region | None:
    """The region the URL zooms into, or None for the whole map."""
    return decode_zoom(st.query_params.to_dict())


def _zoom_to(shapes: Shapes) -> None:
    xs = np.concatenate([x for x, _ in shapes])
    ys = np.concatenate([y for _, y in shapes])
    try:
        st.query_params[ZOOM] = Region.around(xs, ys).text()
    except ValueError:  # a box or lasso without area: nothing to zoom into
        pass


def _unzoom() -> None:
    if ZOOM in st.query_params:
        del st.query_params[ZOOM]


def zoom_controls(region: Region | None, shapes: Shapes, *, n_in_view: int, n_drawn: int) -> None:
    """"Draw every point here" for a drawn box or lasso, and "Back to the whole map" while zoomed."""
    if not shapes and region is None:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        if shapes:
            st.button("Draw every point here", key="ee_map_zoom_in", on_click=_zoom_to, args=(shapes,),
                      help="Draw the points inside the box or lasso's bounds: all of them when few enough remain, "
                           "else a sample over the density of that part only.")
        if region is not None:
            st.button("Back to the whole map", key="ee_map_zoom_out", on_click=_unzoom)
            shown = "every point" if n_drawn >= n_in_view else f"a sample of {n_drawn:,}"
            st.caption(f"Zoomed in: {n_in_view:,} points in view, {shown} drawn.")


def whole_selection(coords: np.ndarray, in_view: np.ndarray, shapes: Shapes, drawn: np.ndarray) -> tuple[list[int], str]:
    """Every row in view inside the boxes and lassos (not only the drawn ones), and a caption saying how many
    of them are drawn."""
    inside = np.flatnonzero(in_view & inside_shapes(coords, shapes))
    n_drawn = int(np.isin(inside, drawn).sum())
    return inside.tolist(), f"{len(inside):,} of the whole dataset ({n_drawn:,} drawn)"
