"""Plotly figures of the table model (pure functions: data in, figure out)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

SHOWN_COLUMNS = 12


def why_close_figure(shares: pd.DataFrame, first: str, second: str, *, reduced: bool = False) -> go.Figure:
    """A small horizontal bar per column: its share of the squared distance between two rows (largest on top)."""
    top = shares.head(SHOWN_COLUMNS).iloc[::-1]
    fig = go.Figure(go.Bar(x=top["share"], y=top["column"].astype(str), orientation="h",
                           text=[f"{s:.0%}" for s in top["share"]], textposition="auto",
                           hovertemplate="%{y}: %{x:.1%} of the squared distance<extra></extra>"))
    where = " (features before the reduction)" if reduced else ""
    fig.update_layout(title=f"Why “{first[:40]}” and “{second[:40]}” are this far apart{where}",
                      xaxis={"title": "share of the squared distance", "tickformat": ".0%", "range": [0, 1]},
                      yaxis={"title": None}, height=90 + 28 * len(top), margin={"l": 10, "r": 10, "t": 50, "b": 40},
                      title_font_size=13)
    return fig
