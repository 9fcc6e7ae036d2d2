"""What the Map page sends to the browser: a figure's bytes as st.plotly_chart serialises it.

Plotly (6 and later) sends numpy arrays as base64 typed arrays (`bdata`), so the drawn float32
coordinates cost 4 bytes a value before base64. Streamlit sends a chart's whole figure whenever it
changes (its message cache only skips an element identical to one the browser already has): a colour change
on a map of at most LARGE_MAP drawn points resends the recoloured figure; above, the figure stays as first
drawn and the colour change sends only the new colouring beside it (`core.maps.recolour`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.maps.density import density_colour, density_image, with_density
from core.maps.figure import LARGE_MAP, MAX_RENDER, build_scatter, render_rows
from core.maps.recolour import MAP_CHART, density_of, point_colours, recolour_html


def figure_bytes(fig: go.Figure) -> int:
    """The bytes of `fig`'s JSON as st.plotly_chart sends it (validated to a dict, then plotly.io.to_json)."""
    import plotly.io
    import plotly.tools

    spec = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return len(plotly.io.to_json(spec, validate=False).encode("utf-8"))


def map_figure(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, color: str | None,
               max_points: int = MAX_RENDER, **style) -> go.Figure:
    """The Map page's figure: a seeded sample of at most `max_points`, over the density of every point
    (coloured as the points when `color` is set) when the sample leaves points out."""
    rows = render_rows(len(coords), max_points=max_points)
    fig = build_scatter(coords, frame, text_column=text_column, color=color, rows=rows, **style)
    if len(rows) == len(coords) or coords.shape[1] != 2:
        return fig
    colour = None if color is None else density_colour(frame, color, rows, **style)
    return with_density(fig, coords, n_drawn=len(rows), colour=colour)


def _recolouring_bytes(coords: np.ndarray, frame: pd.DataFrame, color: str | None, rows: np.ndarray,
                       style: dict) -> int:
    """Bytes of the colouring the Map page sends beside a large map's figure (its legend, codes and density)."""
    colours = point_colours(frame, color, rows, coords, **style)
    density = density_image(coords, density_of(frame, color, rows, **style)) if len(rows) < len(coords) else None
    return len(recolour_html(colours, density, chart_key=MAP_CHART).encode("utf-8"))


def recolourable_figure(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, color: str | None,
                        max_points: int = MAX_RENDER, **style) -> go.Figure:
    """The figure a large map keeps through colour changes: one trace of coded colours (first coloured by
    `color`) over the density of every point when the drawn points are a sample."""
    rows = render_rows(len(coords), max_points=max_points)
    fig = build_scatter(coords, frame, text_column=text_column, color=color, rows=rows,
                        colours=point_colours(frame, color, rows, coords, **style), **style)
    if len(rows) == len(coords):
        return fig
    return with_density(fig, coords, n_drawn=len(rows), colour=density_of(frame, color, rows, **style))


def recolour_payload(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, first: str | None,
                     then: str | None, max_points: int = MAX_RENDER, **style) -> dict[str, int]:
    """Bytes of the first draw coloured by `first`, and of the rerun after the colour changes to `then` (`style`:
    `build_scatter`'s colour settings for both); 2D maps."""
    rows = render_rows(len(coords), max_points=max_points)
    if len(rows) <= LARGE_MAP:
        before = map_figure(coords, frame, text_column=text_column, color=first, max_points=max_points, **style)
        after = map_figure(coords, frame, text_column=text_column, color=then, max_points=max_points, **style)
        return {"first_bytes": figure_bytes(before), "rerun_bytes": figure_bytes(after)}
    fig = recolourable_figure(coords, frame, text_column=text_column, color=first, max_points=max_points, **style)
    return {"first_bytes": figure_bytes(fig) + _recolouring_bytes(coords, frame, first, rows, style),
            "rerun_bytes": _recolouring_bytes(coords, frame, then, rows, style)}  # the figure: a reference
