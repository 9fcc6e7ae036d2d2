"""The thin Streamlit renderers of map figures; the pure builders live in core.maps.figure (the HTML
export and the CLI use them too)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.maps.region import box_polygon


def selected_rows(selection: dict | None) -> list[int]:
    """Row numbers of the points in a Streamlit Plotly selection event, in order, without repeats."""
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else []
    rows: list[int] = []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data is not None:
            rows.append(int(data))
    return list(dict.fromkeys(rows))


def selection_shapes(selection: dict | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The boxes and lassos of a Streamlit Plotly selection event, each as its polygon's xs and ys."""
    if not isinstance(selection, dict):
        return []
    shapes = []
    for kind in ("box", "lasso"):
        for shape in selection.get(kind) or []:
            xs, ys = (np.asarray(shape.get(axis) or [], dtype=float) for axis in ("x", "y"))
            if len(xs) != len(ys) or not np.isfinite(xs).all() or not np.isfinite(ys).all():
                continue
            if kind == "box" and len(xs) == 2:
                shapes.append(box_polygon((xs[0], xs[1]), (ys[0], ys[1])))
            elif len(xs) >= 3:
                shapes.append((xs, ys))
    return shapes


SELECTION_MODES = ("points", "box", "lasso")

# Streamlit (1.67) sets clickmode "event" while the lasso or box tool is active and passes on clicks only
# for treemaps and sunbursts, so a click on a scatter point is dropped there (Plotly reports it as an empty
# selection). This turns that empty selection of the charts keyed KEY into a selection of the point under
# the mouse (without its axes, which cannot be serialised), as a click does in the other modes; a drag
# clears the hovered point first.
CLICK_SELECTS_JS = """<script>
(() => {
  const keys = (window.__eeClickKeys = window.__eeClickKeys || new Set());
  keys.add(KEY);
  if (window.__eeClickObserver) return;
  const listen = gd => {
    const point = p => ({curveNumber: p.curveNumber, pointNumber: p.pointNumber, pointIndex: p.pointIndex,
                         x: p.x, y: p.y, customdata: p.customdata, data: p.data, fullData: p.fullData});
    gd.on("plotly_hover", e => { gd.__eeHovered = e && e.points && e.points.length ? point(e.points[0]) : null; });
    gd.on("plotly_unhover", () => { gd.__eeHovered = null; });
    gd.on("plotly_selected", e => {
      const mode = gd._fullLayout && gd._fullLayout.dragmode;
      if (!e && (mode === "lasso" || mode === "select") && gd.__eeHovered) {
        gd.emit("plotly_selected", {points: [gd.__eeHovered]});
      }
    });
  };
  const hook = () => keys.forEach(key => document.querySelectorAll(`.st-key-${key} .js-plotly-plot`).forEach(gd => {
    if (gd.__eeClickSelects !== (gd._ev || gd) && typeof gd.on === "function") {
      gd.__eeClickSelects = gd._ev || gd;
      listen(gd);
    }
  }));
  window.__eeClickObserver = new MutationObserver(hook);
  window.__eeClickObserver.observe(document.body, {childList: true, subtree: true});
  hook();
})();
</script>"""


def click_selects(key: str) -> None:
    """Make a click on a point of chart `key` select it whatever the drag mode (lasso and box included)."""
    import json

    import streamlit as st

    st.html(CLICK_SELECTS_JS.replace("KEY", json.dumps(key)), unsafe_allow_javascript=True, width="content")


def scatter_selection(fig: go.Figure, *, key: str) -> dict | None:
    """Render the map and return its selection event: the points clicked or inside a box or lasso, and the
    boxes and lassos themselves."""
    import streamlit as st

    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=SELECTION_MODES,
                            config={"displaylogo": False, "scrollZoom": True})
    click_selects(key)
    return event.get("selection") if hasattr(event, "get") else None


def show_scatter(fig: go.Figure, *, key: str) -> list[int]:
    """Render the map and return the rows the user selected by clicking, or with box or lasso."""
    return selected_rows(scatter_selection(fig, key=key))
