"""A large map's colours, sent apart from its figure: a colour change resends the colours, not the points.

Streamlit resends a chart whenever its figure changes, and skips one the browser already holds byte for byte.
So a large map is drawn as one trace whose points carry a colour code each (`PointColours`), and its figure keeps
the colouring it was first drawn with; a later colouring travels on its own (`recolouring`: the codes, their
colours and the density image when one is drawn) with its legend, and the browser applies it to the points
already drawn.
"""
from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from plotly.colors import label_rgb

from core.hashing import hash_array, hash_params
from core.maps.density import DensityColour, density_colour, density_image, scale_rgb
from core.maps.figure import GREY, PALETTE, legend_name, plotly_text

MAP_CHART = "ee_map_chart"  # the Map page's chart, as a Streamlit element key
SCALE_CODES = 255  # a colour scale's steps; one more code stays for points without a value (grey)
UNCOLOURED = PALETTE[0]  # the points' colour without a colour column (Plotly's first colourway colour)
LEGEND_SCALE_STOPS = 9  # colours a colour scale's legend bar is drawn with

# Keeps each chart's points in the colouring last sent for it: applied once Plotly has drawn them, and again
# whenever the chart is drawn anew from its figure (which keeps its first colouring). A colouring applies only
# to the trace of the same drawn points, and only when that trace shows another (both named by its `meta`).
RECOLOUR_JS = """<script>
(() => {
  const colourings = (window.__eeRecolour = window.__eeRecolour || {});
  colourings[CHART] = DATA;
  if (window.__eeRecolourTimer) return;
  const codes = d => d.decoded || (d.decoded = Uint8Array.from(atob(d.codes), c => c.charCodeAt(0)));
  const apply = (chart, d) => {
    const gd = document.querySelector(`.st-key-${chart} .js-plotly-plot`);
    if (!window.Plotly || !gd || !gd._fullLayout || !Array.isArray(gd.data)) return;
    const i = gd.data.findIndex(t => typeof t.meta === "string" && t.meta.startsWith(d.view + ":"));
    if (i < 0) return;
    if (gd.data[i].meta !== d.tag) {
      window.Plotly.restyle(gd, {"marker.color": [codes(d)], "marker.colorscale": [d.colorscale], "marker.cmin": 0,
                                 "marker.cmax": d.cmax, meta: d.tag}, [i]);
    }
    const images = gd.layout.images || [];
    const k = images.findIndex(image => image.name === "every point");
    if (d.density && k >= 0 && images[k].source !== d.density) {
      window.Plotly.relayout(gd, {[`images[${k}].source`]: d.density});
    }
  };
  window.__eeRecolourTimer = setInterval(() => Object.entries(colourings).forEach(([c, d]) => apply(c, d)), 150);
})();
</script>"""


@dataclass(frozen=True)
class PointColours:
    """Each drawn point's colour as a code into `palette`, and what the legend names them.

    `view` names the drawn points (their coordinates), `key` this colouring of them; `names` are the
    categories (one per palette colour), or `scale` the low and high ends of a colour scale."""

    codes: np.ndarray
    palette: tuple[str, ...]
    names: tuple[str, ...]
    column: str | None
    scale: tuple[float, float] | None
    view: str
    key: str

    @property
    def tag(self) -> str:
        """What the points' trace carries as its `meta`: the drawn points' name, then this colouring's."""
        return f"{self.view}:{self.key}"

    def colorscale(self) -> list[list]:
        """The palette as a Plotly colour scale on which code i falls exactly on colour i."""
        top = max(len(self.palette) - 1, 1)
        palette = self.palette if len(self.palette) > 1 else self.palette * 2
        return [[i / top, c] for i, c in enumerate(palette)]

    def marker(self) -> dict:
        """Plotly marker settings drawing each point in its code's colour."""
        return dict(color=self.codes, colorscale=self.colorscale(), cmin=0, cmax=max(len(self.palette) - 1, 1),
                    showscale=False)


def view_id(coords: np.ndarray, rows: np.ndarray) -> str:
    """Names the drawn points: the same rows at the same places get the same name."""
    return hash_array(np.asarray(coords[rows], dtype=np.float32))[:16]


def scale_codes(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Values as steps 0..SCALE_CODES-1 from `low` to `high` (clipped), and SCALE_CODES where there is none."""
    with np.errstate(invalid="ignore"):
        share = np.clip((values - low) / ((high - low) or 1.0), 0.0, 1.0)
    steps = np.round(np.nan_to_num(share) * (SCALE_CODES - 1))
    return np.where(np.isfinite(values), steps, SCALE_CODES).astype(np.uint8)


def density_of(frame: pd.DataFrame, color: str | None, drawn: np.ndarray, **style) -> DensityColour:
    """How every row is coloured for `color`, as `build_scatter` colours the drawn ones (`style`: its colour
    settings); in the points' one colour without a colour column."""
    if color is None:
        return DensityColour(codes=np.zeros(len(frame), dtype=np.int32), colours=(UNCOLOURED,))
    return density_colour(frame, color, drawn, **style)


def point_colours(frame: pd.DataFrame, color: str | None, rows: np.ndarray, coords: np.ndarray,
                  **style) -> PointColours:
    """The drawn `rows` (of `coords`) coloured by `color` as `build_scatter` colours them."""
    rows = np.asarray(rows, dtype=int)
    every = density_of(frame, color, rows, **style)
    if every.codes is not None:
        codes, palette, scale = every.codes[rows].astype(np.uint8), every.colours, None
    else:
        scale = every.color_range
        steps = scale_rgb(every.colorscale, SCALE_CODES)
        palette = (*(label_rgb(tuple(int(v) for v in rgb.round())) for rgb in steps), GREY)
        codes = scale_codes(np.asarray(every.values, dtype=float)[rows], *scale)
    key = hash_params({"column": color, "palette": palette, "names": every.names, "codes": hash_array(codes)})
    return PointColours(codes, palette, every.names, color, scale, view_id(coords, rows), key[:16])


def recolouring(colours: PointColours, density: dict | None = None) -> dict:
    """What the browser needs to recolour the drawn points (and the density image, its Plotly layout image)."""
    return {"view": colours.view, "tag": colours.tag, "codes": base64.b64encode(colours.codes.tobytes()).decode(),
            "colorscale": colours.colorscale(), "cmax": max(len(colours.palette) - 1, 1),
            "density": None if density is None else density["source"]}


def map_density(coords: np.ndarray, colour: DensityColour, in_view: np.ndarray) -> dict:
    """The density image of the rows in view, as `with_density` draws it."""
    return density_image(coords, colour, rows=np.flatnonzero(in_view))


def legend_html(colours: PointColours) -> str:
    """The legend of a coloured map as HTML: a swatch per drawn category, or the colour scale with its ends."""
    if colours.column is None:
        return ""
    title = f"<b>{plotly_text(colours.column)}</b>"
    if colours.scale is not None:
        picks = np.linspace(0, SCALE_CODES - 1, LEGEND_SCALE_STOPS).round().astype(int)
        bar = ("<span style='display:inline-block;width:180px;height:10px;vertical-align:middle;background:"
               f"linear-gradient(to right, {', '.join(colours.palette[i] for i in picks)})'></span>")
        low, high = (f"{v:,.0f}" if abs(v) >= 1_000 else f"{v:.3g}" for v in colours.scale)
        return f"<div class='ee-legend'>{title}: {low} {bar} {high}</div>"
    counts = np.bincount(colours.codes, minlength=len(colours.palette))
    entries = "".join(
        f"<span title='{html.escape(name)}: {count:,} drawn' style='margin-right:12px;white-space:nowrap'>"
        f"<span style='color:{colour}'>●</span> {plotly_text(legend_name(name))}</span> "
        for name, colour, count in zip(colours.names, colours.palette, counts) if count)
    return f"<div class='ee-legend'>{title}: {entries}</div>"


def recolour_html(colours: PointColours, density: dict | None, *, chart_key: str) -> str:
    """The legend of `colours` and the script that draws the points of the Plotly chart keyed `chart_key` (a
    Streamlit element key) in them: all a colour change sends."""
    data = json.dumps(recolouring(colours, density)).replace("</", "<\\/")
    return legend_html(colours) + RECOLOUR_JS.replace("CHART", json.dumps(chart_key)).replace("DATA", data)
