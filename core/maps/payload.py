"""What the Map page sends to the browser: a figure's bytes as st.plotly_chart serialises it.

Plotly (6 and later) sends numpy arrays as base64 typed arrays (`bdata`), so the drawn float32
coordinates cost 4 bytes a value before base64. Streamlit sends a chart's whole figure whenever it
changes (its message cache only skips an element identical to one the browser already has), so a
colour change costs the whole recoloured figure, and a rerun that leaves the figure as it was almost nothing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.maps.density import density_colour, with_density
from core.maps.figure import MAX_RENDER, build_scatter, render_rows


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


def recolour_payload(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, first: str | None,
                     then: str | None, max_points: int = MAX_RENDER, **style) -> dict[str, int]:
    """Bytes of the first draw coloured by `first`, and of the rerun after the colour changes to `then` (`style`:
    `build_scatter`'s colour settings for both)."""
    before = map_figure(coords, frame, text_column=text_column, color=first, max_points=max_points, **style)
    after = map_figure(coords, frame, text_column=text_column, color=then, max_points=max_points, **style)
    return {"first_bytes": figure_bytes(before), "rerun_bytes": figure_bytes(after)}
