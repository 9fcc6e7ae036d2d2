"""Map figures: the pure builders live in core.map_figure (the HTML export and CLI use them too);
this module re-exports them and adds the thin Streamlit renderers."""
from __future__ import annotations

import plotly.graph_objects as go

from core.maps.figure import (  # noqa: F401
    GREY,
    HOVER_CHARS,
    MAX_CATEGORIES,
    MAX_RENDER,
    OTHER,
    PALETTE,
    add_labels,
    build_scatter,
    category_labels,
    hover_label,
    hover_texts,
    image_as_text,
    is_continuous,
    render_rows,
)


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


def show_scatter(fig: go.Figure, *, key: str) -> list[int]:
    """Render the map and return the rows the user selected with box or lasso."""
    import streamlit as st

    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points", "box", "lasso"),
                            config={"displaylogo": False, "scrollZoom": True})
    selection = event.get("selection") if hasattr(event, "get") else None
    return selected_rows(selection)
