"""Every point of a large map, drawn as a density image under the interactive sample of points.

A WebGL scatter costs about 15 bytes a point on the wire (300,000 points: an 11.9 MB frame drawn in 5.1 s),
so the Map page draws a seeded sample of at most "Points drawn at most" points (core.maps.figure.MAX_RENDER
by default) and, when that leaves points out, the binned counts of every visible point beneath it: a
`DENSITY_BINS` x `DENSITY_BINS` heatmap of about 0.4 MB at any size (1,000,000 points with a 50,000-point
sample: about 2 MB in all).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

DENSITY_BINS = 256
DENSITY_SCALE = [[0.0, "#f2f2f2"], [1.0, "#3a3a3a"]]  # few points light, many dark: the sample's colours stay legible


def density_counts(coords: np.ndarray, *, rows: np.ndarray | None = None,
                   bins: int = DENSITY_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points per bin of the map (x bins by y bins) and the bins' x and y edges, over `rows` (every row)."""
    xy = np.asarray(coords if rows is None else coords[rows])
    return np.histogram2d(xy[:, 0], xy[:, 1], bins=bins)


def density_trace(coords: np.ndarray, *, rows: np.ndarray | None = None, bins: int = DENSITY_BINS) -> go.Heatmap:
    """The counts as a heatmap on the map's axes (log-scaled shades; empty bins left blank; no hover)."""
    counts, x_edges, y_edges = density_counts(coords, rows=rows, bins=bins)
    shade = np.where(counts > 0, np.log1p(counts), np.nan).astype(np.float32).T  # rows of z are y bins; 4 bytes a bin
    return go.Heatmap(z=shade, x=(x_edges[:-1] + x_edges[1:]) / 2, y=(y_edges[:-1] + y_edges[1:]) / 2,
                      colorscale=DENSITY_SCALE, showscale=False, hoverinfo="skip", name="every point",
                      zsmooth=False)


def density_note(n_points: int, n_drawn: int) -> str:
    """What the figure shows, in a sentence."""
    return (f"All {n_points:,} points are drawn as a density image (grey: more points darker); a seeded sample of "
            f"{n_drawn:,} is drawn over it as points to hover and select.")


def with_density(fig: go.Figure, coords: np.ndarray, *, rows: np.ndarray | None = None, n_drawn: int,
                 bins: int = DENSITY_BINS) -> go.Figure:
    """A copy of the scatter `fig` with the density of `rows` (every row) of `coords` drawn beneath its points,
    and a note saying what was sampled."""
    layered = go.Figure(data=[density_trace(coords, rows=rows, bins=bins), *fig.data], layout=fig.layout)
    n_points = len(coords) if rows is None else len(rows)
    layered.add_annotation(text=density_note(n_points, n_drawn), xref="paper", yref="paper", x=0, y=1.0,
                           xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11})
    return layered
