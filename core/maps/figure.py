"""Pure Plotly builders for maps (no Streamlit): used by the pages, the HTML export and the CLI.

`build_scatter(coords, frame, ...) -> go.Figure` draws a scatter (SVG or WebGL) whose points carry their
row number as customdata; it can fold rare categories, grey out noise, draw cluster labels at
their centres, highlight a linked selection, and draw only a seeded subset of a large map.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.maps.label_layout import labels_extent, short_label
from core.maps.labels import NOISE_LABEL

MAX_CATEGORIES = 20
HOVER_CHARS = 240
HOVER_CHARS_LARGE = 100  # shorter hover text above LARGE_MAP points: less to send to the browser
LARGE_MAP = 20_000
HOVER_WIDTH = 60
OTHER = "(other)"
MISSING = "(missing)"
GREY = "#BBBBBB"
GREY_LABELS = (OTHER, NOISE_LABEL, MISSING)
MAX_RENDER = 50_000  # default cap on drawn points
# Maps of at most this many drawn points use SVG markers, larger ones WebGL. In headless Chromium without a GPU,
# SVG draws 1,000-5,000 points in 85-170 ms against WebGL's 240-270 ms, and they meet near 10,000; SVG also
# spares a WebGL context (browsers allow about 16 a page).
SVG_MAX_POINTS = 5_000
LABEL_PAD = 0.03  # share of the axis range left beyond the outermost label box
LEGEND_CHARS = 32  # longer category names are cut at a word in the legend; the hover shows them whole
LEGEND_Y = -0.08  # the legend's top, below the plot: clear of hover boxes, which open beside a point
LEGEND_ROW_PX = 20  # the figure grows by its legend's rows and the gap above them, so the plot keeps its size
LEGEND_GAP_PX = 60
LEGEND_WIDTH_PX = 880  # a map's usual width, to estimate how many rows its legend takes
LEGEND_ENTRY_PX = (42, 5.3)  # an entry's width: symbol and gaps, then per character of its name
_SHADES = " ░▒▓█"
CONTINUOUS_MIN_VALUES = 12  # numbers with more distinct values than this get a colour scale


class CodedColours(Protocol):
    """Each drawn point's colour as a code (see `core.maps.recolour.PointColours`), named by `tag`."""

    @property
    def tag(self) -> str: ...

    def marker(self) -> dict: ...


def _is_grey(colour: str) -> bool:
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return max(rgb) - min(rgb) < 24


def distinct_palette() -> list[str]:
    """Plotly's Dark24, Alphabet and Light24 colours, once each, without greys (grey means other or noise)."""
    from plotly.colors import qualitative

    colours = [c.upper() for c in qualitative.Dark24 + qualitative.Alphabet + qualitative.Light24]
    return [c for c in dict.fromkeys(colours) if not _is_grey(c)]


PALETTE = distinct_palette()  # 70+ distinct colours: no two categories on a map share one


def wrap(text: str, width: int = HOVER_WIDTH) -> list[str]:
    """Words packed into lines of at most `width` characters (longer words are cut); fast for 100k labels."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


def plotly_text(value: Any) -> str:
    """Text Plotly shows as typed: `&`, `<` and `>` escaped so no tag forms; quotes kept as they are.

    Plotly decodes only a few named entities (not `&quot;`), so escaping quotes would show `&quot;`.
    """
    return html.escape(str(value), quote=False)


def hover_label(text: Any, *, limit: int = HOVER_CHARS, wrapped: bool = True) -> str:
    """User text made safe for Plotly hover: truncated, HTML-escaped, wrapped (or on one line)."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    if not wrapped:
        return plotly_text(" ".join(text.split()))
    return "<br>".join(plotly_text(line) for line in wrap(text)) or ""


def image_as_text(image: np.ndarray) -> str:
    """A small grayscale image drawn with block characters, for hover labels."""
    top = float(image.max()) or 1.0
    levels = np.clip((image / top * (len(_SHADES) - 1)).round().astype(int), 0, len(_SHADES) - 1)
    return "<br>".join("".join(_SHADES[v] * 2 for v in row) for row in levels)


def hover_texts(frame: pd.DataFrame, text_column: str, hover_columns: Sequence[str] = (),
                images: np.ndarray | None = None, *, limit: int = HOVER_CHARS, compact: bool = False) -> list[str]:
    """One hover label per row: the text, then `column: value` lines, then the image if any.

    `compact` labels (large maps) put the text on one line without markup: every tag costs about
    15 bytes per point in the JSON sent to the browser (Plotly escapes `<` and `>`).
    """
    if compact:
        labels = [hover_label(t, limit=limit, wrapped=False) for t in frame[text_column]]
    else:
        labels = [f"<b>{hover_label(t, limit=limit)}</b>" for t in frame[text_column]]
    for column in hover_columns:
        values = frame[column].tolist()
        labels = [f"{lab}<br>{plotly_text(str(column))}: {hover_label(v, limit=80)}" for lab, v in zip(labels, values)]
    if images is not None:
        labels = [f"{lab}<br>{image_as_text(img)}" for lab, img in zip(labels, images)]
    return labels


def is_continuous(values: pd.Series) -> bool:
    """Numbers (integer or float) with more than CONTINUOUS_MIN_VALUES distinct values: a colour scale, not a legend."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) \
        and values.nunique() > CONTINUOUS_MIN_VALUES


def natural_key(label: str) -> tuple:
    """Sort key that puts numbers in numeric order, also inside text ("2: b" before "15: a")."""
    try:
        number = float(label)
    except ValueError:
        number = float("nan")
    if math.isfinite(number):
        return (0, number, ())
    parts = re.split(r"(\d+)", label.lower())
    return (1, 0.0, tuple(int(p) if i % 2 else p for i, p in enumerate(parts)))


def natural_order(labels: Iterable[str]) -> list[str]:
    """Distinct labels in natural order; (other), noise and missing last."""
    unique = set(labels)
    return sorted(unique - set(GREY_LABELS), key=natural_key) + [g for g in GREY_LABELS if g in unique]


def category_colours(labels: Iterable[str]) -> dict[str, str]:
    """A distinct colour per category in natural order (fixed whatever is filtered out); grey ones grey."""
    names = [n for n in natural_order(labels) if n not in GREY_LABELS]
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)} | {g: GREY for g in GREY_LABELS}


def category_labels(values: pd.Series, max_categories: int = MAX_CATEGORIES) -> pd.Series:
    """Values as strings, with all but the most frequent categories folded into '(other)'."""
    labels = values.astype(str).where(values.notna(), MISSING)
    top = labels.value_counts().index[:max_categories]
    return labels.where(labels.isin(top), OTHER)


def render_rows(n_rows: int, *, visible: np.ndarray | None = None, max_points: int = MAX_RENDER,
                keep: Sequence[int] = (), seed: int = 0) -> np.ndarray:
    """The rows to draw: every visible row, or a seeded random subset of at most `max_points`.

    The subset is stable (the same rows for every colour or filter), and rows in `keep` are always drawn.
    """
    mask = np.ones(n_rows, dtype=bool) if visible is None else np.asarray(visible, dtype=bool)
    if mask.sum() <= max_points:
        return np.flatnonzero(mask)
    order = np.random.default_rng(seed).permutation(n_rows)
    picked = np.zeros(n_rows, dtype=bool)
    picked[order[mask[order]][:max_points]] = True
    kept = np.asarray(keep, dtype=int)
    picked[kept[mask[kept]] if len(kept) else kept] = True
    return np.flatnonzero(picked)


def _trace(coords: np.ndarray, rows: np.ndarray, hover: Mapping[int, str], name: str, marker: dict, *,
           svg: bool = False, **extra) -> go.BaseTraceType:
    common = dict(mode="markers", name=name, customdata=rows.astype(np.int32), hovertext=[hover[i] for i in rows],
                  hoverinfo="text", marker=marker, **extra)
    if coords.shape[1] == 3:
        return go.Scatter3d(x=coords[rows, 0], y=coords[rows, 1], z=coords[rows, 2], **common)
    return (go.Scatter if svg else go.Scattergl)(x=coords[rows, 0], y=coords[rows, 1], **common)


def _marker_size(coords: np.ndarray, n_drawn: int) -> int:
    return 3 if coords.shape[1] == 3 else max(2, min(8, int(900 / np.sqrt(max(n_drawn, 1)))))


def _continuous_traces(coords, rows, hover, values: np.ndarray, name: str, size: int, *, colorscale: str,
                       color_range: tuple[float, float] | None, svg: bool) -> list[go.BaseTraceType]:
    """A colour-scaled trace for rows with a value, and a grey one for rows without."""
    finite = np.isfinite(values[rows])
    low, high = color_range or (None, None)
    marker = dict(size=size, opacity=0.8, color=values[rows[finite]].astype(np.float32), colorscale=colorscale, showscale=True,
                  cmin=low, cmax=high, colorbar=dict(title=dict(text=plotly_text(name))))
    traces = [_trace(coords, rows[finite], hover, plotly_text(name), marker, svg=svg, showlegend=False)]
    if (~finite).any():
        traces.append(_trace(coords, rows[~finite], hover, "no value", dict(size=size, opacity=0.5, color=GREY),
                             svg=svg))
    return traces


def legend_name(label: str) -> str:
    """A category as the legend shows it: cut at a word, with an ellipsis, beyond LEGEND_CHARS characters."""
    return short_label(label, LEGEND_CHARS)


def _whole_name_hover(label: str, column: str) -> dict:
    """A hover template adding the category's whole name to each point's label, where the legend cuts it."""
    if legend_name(label) == label:
        return {}
    line = f"{plotly_text(column)}: {hover_label(label)}".replace("%", "&#37;")  # no %{...} placeholder forms
    return dict(hovertemplate=f"%{{hovertext}}<br>{line}<extra></extra>")


def _category_traces(coords, rows, hover, labels: np.ndarray, column: str, size: int, *,
                     svg: bool) -> list[go.BaseTraceType]:
    """One trace per drawn category in natural order, (other) and noise last in grey."""
    colours = category_colours(labels)
    traces = []
    for label in natural_order(labels[rows]):
        members = rows[labels[rows] == label]
        marker = dict(size=size, opacity=0.8, color=colours[label])
        traces.append(_trace(coords, members, hover, plotly_text(legend_name(label)), marker, svg=svg,
                             **_whole_name_hover(label, column)))
    return traces


def _highlight(fig: go.Figure, coords: np.ndarray, rows: np.ndarray, hover: Mapping[int, str], size: int, *,
               svg: bool) -> None:
    """Fade every trace and draw the highlighted rows on top, outlined."""
    fig.update_traces(marker_opacity=0.18, selector=dict(mode="markers"))
    marker = dict(size=size + 3, color="rgba(0,0,0,0)", line=dict(color="#111111", width=1.5))
    fig.add_trace(_trace(coords, rows, hover, f"selected ({len(rows):,})", marker, svg=svg))


def add_labels(fig: go.Figure, centres: Mapping[str, np.ndarray]) -> None:
    """Write each label at its position (cluster centres), readable over the points; long ones cut at a word."""
    style = dict(showarrow=False, font=dict(size=12, color="#111111"), bgcolor="rgba(255,255,255,0.75)",
                 bordercolor="rgba(0,0,0,0.25)", borderwidth=1, borderpad=2)
    notes = [dict(text=plotly_text(short_label(str(text))), x=float(p[0]), y=float(p[1]),
                  **({"z": float(p[2])} if len(p) == 3 else {}), **style) for text, p in centres.items()]
    if notes and "z" in notes[0]:
        fig.update_layout(scene=dict(annotations=notes))
    elif notes:  # one update: add_annotation copies every earlier annotation on each call
        fig.update_layout(annotations=[*fig.layout.annotations, *notes])


def _fit_labels(fig: go.Figure, coords: np.ndarray, labels: Mapping[str, np.ndarray]) -> None:
    """Widen a 2D map's axes where a label's box would reach past the points, so no label is clipped."""
    finite = coords[np.isfinite(coords).all(axis=1)]
    if coords.shape[1] != 2 or not len(finite):
        return
    low, high = finite.min(axis=0), finite.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    label_low, label_high = labels_extent({short_label(str(t)): p for t, p in labels.items()}, span)
    if (label_low < low).any() or (label_high > high).any():
        low, high = np.minimum(low, label_low), np.maximum(high, label_high)
        pad = (high - low) * LABEL_PAD
        fig.update_xaxes(range=[float(low[0] - pad[0]), float(high[0] + pad[0])])
        fig.update_yaxes(range=[float(low[1] - pad[1]), float(high[1] + pad[1])])


def legend_rows(names: Sequence[str], width: int = LEGEND_WIDTH_PX) -> int:
    """About how many rows a horizontal legend of these entries takes in a figure `width` pixels wide.

    Plotly lines the entries up in columns as wide as the widest entry."""
    if not names:
        return 0
    fixed, per_char = LEGEND_ENTRY_PX
    widest = fixed + per_char * max(len(n) for n in names)
    return math.ceil(len(names) / max(1, int(width // widest)))


def legend_entries(fig: go.Figure) -> list[str]:
    """The names the legend lists: Plotly draws one for two entries or more, or for one marked to show."""
    shown = [t for t in fig.data if t.showlegend is not False]
    if len(shown) < 2 and not any(t.showlegend for t in shown):
        return []
    return [html.unescape(t.name or "") for t in shown]


def _legend_height(names: Sequence[str]) -> int:
    rows = legend_rows(names)
    return LEGEND_GAP_PX + LEGEND_ROW_PX * rows if rows else 0


def _layout(fig: go.Figure, coords: np.ndarray, title: str, legend_title: str,
            axis_titles: tuple[str, str] | None, height: int, colour_scale: bool) -> None:
    """Title, size and axes; the legend goes below the plot, so neither hover boxes nor long names cover or narrow it.

    The colour bar, if any, has the right side (its title names the column, so the legend has none)."""
    names = legend_entries(fig)
    legend = dict(itemsizing="constant", orientation="h", yanchor="top", y=LEGEND_Y, x=0, xanchor="left",
                  title=dict(text="" if colour_scale else plotly_text(legend_title)))
    fig.update_layout(title=dict(text=plotly_text(title)), height=height + _legend_height(names),
                      margin=dict(l=10, r=10, t=40, b=10), legend=legend,
                      dragmode="lasso" if coords.shape[1] == 2 else "orbit", hoverlabel=dict(font_family="monospace"),
                      colorway=PALETTE, uirevision="map")
    show = axis_titles is not None
    x_title, y_title = (None, None) if axis_titles is None else (plotly_text(t) for t in axis_titles)
    fig.update_xaxes(showticklabels=show, title=x_title, zeroline=show)
    fig.update_yaxes(showticklabels=show, title=y_title, zeroline=show)


def _hover_by_row(frame: pd.DataFrame, text_column: str, drawn: np.ndarray, hover: Sequence[str] | None,
                  hover_columns: Sequence[str], images: np.ndarray | None, *, large: bool) -> dict[int, str]:
    """Hover labels of the drawn rows: taken from `hover` when given, else built (shorter on large maps)."""
    if hover is not None:
        return {int(i): hover[i] for i in drawn}
    texts = hover_texts(frame.iloc[drawn], text_column, hover_columns, None if images is None else images[drawn],
                        limit=HOVER_CHARS_LARGE if large else HOVER_CHARS, compact=large)
    return dict(zip(drawn.tolist(), texts))


def build_scatter(coords: np.ndarray, frame: pd.DataFrame, *, text_column: str, color: str | None = None,
                  hover_columns: Sequence[str] = (), images: np.ndarray | None = None,
                  visible: np.ndarray | None = None, title: str = "", rows: np.ndarray | None = None,
                  max_categories: int = MAX_CATEGORIES, labels: Mapping[str, np.ndarray] | None = None,
                  highlight: Sequence[int] = (), axis_titles: tuple[str, str] | None = None,
                  colorscale: str = "Viridis", color_range: tuple[float, float] | None = None,
                  continuous: bool | None = None, hover: Sequence[str] | None = None,
                  marker_scale: float = 1.0, height: int = 640, colours: CodedColours | None = None) -> go.Figure:
    """A scatter of `coords`, SVG up to SVG_MAX_POINTS drawn points and WebGL beyond; each point's customdata is
    its row number in `frame`.

    `rows` picks the rows to draw (see `render_rows`); otherwise every row where `visible` is true.
    `continuous` forces (or forbids) a colour scale for `color`; by default numbers with more than
    CONTINUOUS_MIN_VALUES distinct values get one. Categories get distinct colours from PALETTE (Plotly's
    Dark24, Alphabet and Light24, no greys) in natural order; beyond `max_categories` (at most one per
    palette colour) the rarest are grouped as "(other)", in grey. The legend lists categories naturally.
    `hover` may hold every row's hover label, computed once (see `hover_texts`).
    `colours` (the drawn rows coloured by `color`, see `core.maps.recolour`) draws one trace of coded colours
    instead, without a legend, that the browser can recolour.
    """
    coords = np.asarray(coords, dtype=np.float32)
    if rows is None:
        rows = np.arange(len(frame)) if visible is None else np.flatnonzero(visible)
    rows = np.asarray(rows, dtype=int)
    highlight_rows = np.asarray(highlight, dtype=int)
    hover_of = _hover_by_row(frame, text_column, np.union1d(rows, highlight_rows), hover, hover_columns, images,
                             large=len(rows) > LARGE_MAP)
    size = max(2, round(_marker_size(coords, len(rows)) * marker_scale))
    scaled = colours is None and color is not None and (continuous if continuous is not None else is_continuous(frame[color]))
    svg = len(rows) <= SVG_MAX_POINTS
    if colours is not None:
        traces = [_trace(coords, rows, hover_of, "points", dict(size=size, opacity=0.8, **colours.marker()), svg=svg,
                         meta=colours.tag, showlegend=False)]
    elif color is None:
        traces = [_trace(coords, rows, hover_of, "points", dict(size=size, opacity=0.75), svg=svg)]
    elif scaled:
        traces = _continuous_traces(coords, rows, hover_of, frame[color].to_numpy(dtype=float), str(color), size,
                                    colorscale=colorscale, color_range=color_range, svg=svg)
    else:
        labels_of = category_labels(frame[color], min(max_categories, len(PALETTE))).to_numpy()
        traces = _category_traces(coords, rows, hover_of, labels_of, str(color), size, svg=svg)
    fig = go.Figure(traces)
    if len(highlight_rows):
        _highlight(fig, coords, highlight_rows, hover_of, size, svg=svg)
    if labels:
        add_labels(fig, labels)
        _fit_labels(fig, coords[rows], labels)
    _layout(fig, coords, title, str(color or ""), axis_titles, height, scaled)
    return fig
