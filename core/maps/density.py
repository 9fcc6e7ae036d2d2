"""Every point of a large map, drawn as a density image under the interactive sample of points.

A WebGL scatter costs about 15 bytes a point on the wire (300,000 points: an 11.9 MB frame drawn in 5.1 s),
so the Map page draws a seeded sample of at most "Points drawn at most" points (core.maps.figure.MAX_RENDER
by default) and, when that leaves points out, the binned counts of every visible point beneath it: a
`DENSITY_BINS` x `DENSITY_BINS` heatmap of about 0.4 MB at any size (1,000,000 points with a 50,000-point
sample: about 2 MB in all). With a colour column the image is coloured instead: each bin mixes the colours of
its categories by their shares (the sample's palette), or shows its mean value on the sample's colour scale,
more opaque where more points lie; it goes as a PNG layout image of a few kilobytes.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, sample_colorscale, unlabel_rgb

from core.maps.figure import (
    GREY,
    MAX_CATEGORIES,
    PALETTE,
    category_colours,
    category_labels,
    is_continuous,
    natural_order,
)

DENSITY_BINS = 256
DENSITY_SCALE = [[0.0, "#f2f2f2"], [1.0, "#3a3a3a"]]  # few points light, many dark: the sample's colours stay legible
ALPHA_RANGE = (0.3, 0.85)  # a coloured bin's opacity, from its fewest points to the most (log scale)
SCALE_STEPS = 256  # colours sampled from a colour scale for mean values


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


@dataclass(frozen=True)
class DensityColour:
    """What colours the density image: every row's category code (-1: none) and each code's colour, or every
    row's value (NaN: none) on `colorscale` from `color_range[0]` to `color_range[1]`."""

    codes: np.ndarray | None = None
    colours: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # each code's category
    values: np.ndarray | None = None
    colorscale: str = "Viridis"
    color_range: tuple[float, float] = (0.0, 1.0)


def density_colour(frame: pd.DataFrame, color: str, drawn: np.ndarray, *, max_categories: int = MAX_CATEGORIES,
                   continuous: bool | None = None, colorscale: str = "Viridis",
                   color_range: tuple[float, float] | None = None) -> DensityColour:
    """The density colouring matching `build_scatter`'s colours for `color` (its arguments mean the same); a
    scale's range defaults to the `drawn` rows' values, as the scatter's does."""
    if continuous if continuous is not None else is_continuous(frame[color]):
        values = frame[color].to_numpy(dtype=float)
        if color_range is None:
            shown = values[drawn][np.isfinite(values[drawn])]
            color_range = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
        return DensityColour(values=values, colorscale=colorscale, color_range=color_range)
    labels = category_labels(frame[color], min(max_categories, len(PALETTE))).to_numpy()
    names = natural_order(labels)
    colours = category_colours(labels)
    codes = pd.Categorical(labels, categories=names).codes.astype(np.int32)
    return DensityColour(codes=codes, colours=tuple(colours[n] for n in names), names=tuple(names))


def bin_index(coords: np.ndarray, x_edges: np.ndarray, y_edges: np.ndarray) -> np.ndarray:
    """Each point's bin as x bin * y bins + y bin, as np.histogram2d bins it with these edges."""
    x_bins, y_bins = len(x_edges) - 1, len(y_edges) - 1
    ix = np.clip(np.searchsorted(x_edges, coords[:, 0], side="right") - 1, 0, x_bins - 1)
    iy = np.clip(np.searchsorted(y_edges, coords[:, 1], side="right") - 1, 0, y_bins - 1)
    return ix * y_bins + iy


def category_counts(coords: np.ndarray, codes: np.ndarray, n_codes: int, *, rows: np.ndarray | None = None,
                    bins: int = DENSITY_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points of each category per bin (codes x bins x bins; rows coded -1 left out) over the same edges as
    `density_counts`, and those edges."""
    xy = np.asarray(coords if rows is None else coords[rows])
    code = np.asarray(codes if rows is None else codes[rows])
    _, x_edges, y_edges = np.histogram2d(xy[:, 0], xy[:, 1], bins=bins)
    kept = code >= 0
    flat = code[kept].astype(np.int64) * bins * bins + bin_index(xy[kept], x_edges, y_edges)
    counts = np.bincount(flat, minlength=n_codes * bins * bins).reshape(n_codes, bins, bins)
    return counts, x_edges, y_edges


def _opacity(total: np.ndarray) -> np.ndarray:
    """A bin's opacity from its count, on a log scale; empty bins transparent."""
    low, high = ALPHA_RANGE
    scaled = np.log1p(total) / max(float(np.log1p(total.max())), 1e-12)
    return np.where(total > 0, low + (high - low) * scaled, 0.0)


def scale_rgb(colorscale: str, steps: int = SCALE_STEPS) -> np.ndarray:
    """`steps` colours of a named Plotly colour scale, as rows of r, g, b."""
    samples = sample_colorscale(colorscale, np.linspace(0, 1, steps).tolist(), colortype="rgb")
    return np.array([unlabel_rgb(c) for c in samples], dtype=float)


def colour_rgba(coords: np.ndarray, colour: DensityColour, *, rows: np.ndarray | None = None,
                bins: int = DENSITY_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The coloured density as x bins x y bins x RGBA (0-255 bytes), and the bins' x and y edges."""
    if colour.codes is not None:
        counts, x_edges, y_edges = category_counts(coords, colour.codes, len(colour.colours), rows=rows, bins=bins)
        rgb_of = np.array([hex_to_rgb(c) for c in colour.colours], dtype=float).reshape(-1, 3)
        total = counts.sum(axis=0)
        rgb = np.einsum("cxy,ck->xyk", counts, rgb_of) / np.maximum(total, 1)[..., None]
    else:
        rgb, total, x_edges, y_edges = _mean_rgb(coords, colour, rows=rows, bins=bins)
    alpha = _opacity(total)[..., None] * 255
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8), x_edges, y_edges


def _mean_rgb(coords: np.ndarray, colour: DensityColour, *, rows: np.ndarray | None,
              bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each bin's mean value on the colour scale (bins without a value grey), its count, and the edges."""
    values = np.asarray(colour.values if rows is None else colour.values[rows], dtype=float)  # type: ignore[index]
    xy = np.asarray(coords if rows is None else coords[rows])
    counts, x_edges, y_edges = np.histogram2d(xy[:, 0], xy[:, 1], bins=bins)
    finite = np.isfinite(values)
    flat = bin_index(xy[finite], x_edges, y_edges)
    sums = np.bincount(flat, weights=values[finite], minlength=bins * bins).reshape(bins, bins)
    valued = np.bincount(flat, minlength=bins * bins).reshape(bins, bins)
    low, high = colour.color_range
    share = np.clip((sums / np.maximum(valued, 1) - low) / ((high - low) or 1.0), 0, 1)
    rgb = scale_rgb(colour.colorscale)[np.round(share * (SCALE_STEPS - 1)).astype(int)]
    rgb[valued == 0] = hex_to_rgb(GREY)  # bins whose points have no value
    return rgb, counts, x_edges, y_edges


def png_data_uri(rgba: np.ndarray) -> str:
    """An RGBA image (rows x columns x 4 bytes) as a PNG data URI."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def density_image(coords: np.ndarray, colour: DensityColour, *, rows: np.ndarray | None = None,
                  bins: int = DENSITY_BINS) -> dict:
    """The coloured density as a Plotly layout image placed on the map's axes, beneath the points."""
    rgba, x_edges, y_edges = colour_rgba(coords, colour, rows=rows, bins=bins)
    picture = rgba.transpose(1, 0, 2)[::-1]  # image rows are y bins, the top row the highest
    return dict(source=png_data_uri(np.ascontiguousarray(picture)), xref="x", yref="y", x=float(x_edges[0]),
                y=float(y_edges[-1]), sizex=float(x_edges[-1] - x_edges[0]), sizey=float(y_edges[-1] - y_edges[0]),
                sizing="stretch", xanchor="left", yanchor="top", layer="below", name="every point")


def density_note(n_points: int, n_drawn: int, *, coloured: bool = False) -> str:
    """What the figure shows, in a sentence."""
    shades = "coloured as the points, more opaque where more lie" if coloured else "grey: more points darker"
    return (f"All {n_points:,} points are drawn as a density image ({shades}); a seeded sample of "
            f"{n_drawn:,} is drawn over it as points to hover and select.")


def with_density(fig: go.Figure, coords: np.ndarray, *, rows: np.ndarray | None = None, n_drawn: int,
                 colour: DensityColour | None = None, bins: int = DENSITY_BINS) -> go.Figure:
    """A copy of the scatter `fig` with the density of `rows` (every row) of `coords` drawn beneath its points
    (grey, or coloured by `colour`), and a note saying what was sampled."""
    if colour is None:
        layered = go.Figure(data=[density_trace(coords, rows=rows, bins=bins), *fig.data], layout=fig.layout)
    else:
        layered = go.Figure(data=fig.data, layout=fig.layout)
        layered.add_layout_image(density_image(coords, colour, rows=rows, bins=bins))
    n_points = len(coords) if rows is None else len(rows)
    layered.add_annotation(text=density_note(n_points, n_drawn, coloured=colour is not None),
                           xref="paper", yref="paper", x=0, y=1.0,
                           xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11})
    return layered
