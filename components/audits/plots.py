"""Pure figure builders for the audit pages (unit-tested through `fig.to_dict()`); no Streamlit here."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.maps.figure import plotly_text

ROLE_COLOURS = {"a": "#4C78A8", "b": "#4C78A8", "c": "#F58518", "answer": "#54A24B", "neighbour": "#BBBBBB"}
POSITIVE, NEGATIVE, MUTED = "#E45756", "#4C78A8", "#BBBBBB"
SIGNIFICANCE = 0.05


def _esc(values: Sequence) -> list[str]:
    return [plotly_text(str(v)) for v in values]


def _layout(fig: go.Figure, title: str, height: int = 480) -> go.Figure:
    fig.update_layout(title=dict(text=plotly_text(title)), height=height, margin=dict(l=10, r=10, t=50, b=10),
                      template="plotly_white")
    return fig


def _arrow(fig: go.Figure, start: np.ndarray, end: np.ndarray, colour: str, *, dash: bool = False) -> None:
    fig.add_annotation(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=3, arrowsize=1.3, arrowwidth=2.5 if not dash else 1.5,
                       arrowcolor=colour, opacity=0.9 if not dash else 0.6, text="")


def build_analogy_arrows(frame: pd.DataFrame, *, a: str, b: str, c: str, answer: str, title: str = "") -> go.Figure:
    """Words on a 2D PCA, with arrows a→b, c→answer and (faint) c→c+(b−a), the ideal parallelogram."""
    fig = go.Figure()
    for role in ("neighbour", "a", "b", "c", "answer"):
        part = frame[frame["role"] == role]
        if part.empty:
            continue
        big = role != "neighbour"
        name = "nearest neighbours" if not big else f"{role}: {plotly_text(str(part['word'].iloc[0]))}"
        fig.add_trace(go.Scatter(x=part["x"], y=part["y"], mode="markers+text", name=name, text=_esc(part["word"]),
                                 textposition="top center", hoverinfo="text",
                                 textfont=dict(size=14 if big else 10, color="#222" if big else "#888"),
                                 marker=dict(size=12 if big else 6, color=ROLE_COLOURS[role])))
    point = {w: np.asarray([x, y]) for w, x, y in zip(frame["word"], frame["x"], frame["y"])}
    words = {k: frame.loc[frame["role"] == k, "word"] for k in ("a", "b", "c")}
    pa, pb, pc = (point[words[k].iloc[0]] for k in ("a", "b", "c"))
    _arrow(fig, pa, pb, ROLE_COLOURS["a"])
    _arrow(fig, pc, pc + (pb - pa), ROLE_COLOURS["c"], dash=True)
    ideal = pc + (pb - pa)
    fig.add_annotation(x=ideal[0], y=ideal[1], text="c + (b − a)", showarrow=False, yshift=-14,
                       font=dict(size=11, color=ROLE_COLOURS["c"]))
    if answer in point:
        _arrow(fig, pc, point[answer], ROLE_COLOURS["answer"])
    fig.update_xaxes(title="PC1", showticklabels=False, zeroline=False)
    fig.update_yaxes(title="PC2", showticklabels=False, zeroline=False, scaleanchor="x", scaleratio=1)
    return _layout(fig, title or f"{a} → {b} as {c} → {answer}", height=560)


def build_projection_bars(frame: pd.DataFrame, *, positive_pole: str, negative_pole: str, title: str = "") -> go.Figure:
    """Horizontal bars of each word's projection on the bias direction, sorted; colour shows the side."""
    frame = frame.sort_values("projection", kind="stable")
    colours = [POSITIVE if v > 0 else NEGATIVE for v in frame["projection"]]
    fig = go.Figure(go.Bar(x=frame["projection"], y=_esc(frame["word"]), orientation="h", marker_color=colours,
                           hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    fig.update_xaxes(title=f"← {plotly_text(negative_pole)}   projection (cosine)   {plotly_text(positive_pole)} →",
                     zeroline=True, zerolinecolor="#444")
    fig.update_yaxes(type="category")
    return _layout(fig, title or "Projection on the bias direction", height=max(300, 22 * len(frame) + 120))


def build_semantic_axes(frame: pd.DataFrame, *, x_poles: tuple[str, str], y_poles: tuple[str, str],
                        title: str = "") -> go.Figure:
    """Words placed by their cosine with two axes (each from a negative to a positive pole)."""
    fig = go.Figure(go.Scatter(x=frame["x"], y=frame["y"], mode="markers+text", text=_esc(frame["word"]),
                               textposition="top center", marker=dict(size=9, color=NEGATIVE),
                               hovertemplate="%{text}: (%{x:.3f}, %{y:.3f})<extra></extra>"))
    fig.update_xaxes(title=f"← {plotly_text(x_poles[0])}      {plotly_text(x_poles[1])} →", zeroline=True,
                     zerolinecolor="#999")
    fig.update_yaxes(title=f"← {plotly_text(y_poles[0])}      {plotly_text(y_poles[1])} →", zeroline=True,
                     zerolinecolor="#999")
    return _layout(fig, title or "Semantic axes", height=600)


def build_weat_effects(table: pd.DataFrame, *, title: str = "") -> go.Figure:
    """WEAT effect size d per test; solid when p < 0.05, pale otherwise; the paper's d as diamonds."""
    labels = [f"{plotly_text(str(t))}: {plotly_text(str(x))} vs {plotly_text(str(y))}"
              for t, x, y in zip(table["test"], table["X"], table["Y"])]
    significant = table["p"] < SIGNIFICANCE
    colours = [(POSITIVE if d > 0 else NEGATIVE) if sig else MUTED for d, sig in zip(table["d"], significant)]
    fig = go.Figure(go.Bar(x=table["d"], y=labels, orientation="h", marker_color=colours, name="d (this model)",
                           customdata=np.stack([table["p"], table["permutations"]], axis=1),
                           hovertemplate="%{y}<br>d = %{x:.2f}<br>p = %{customdata[0]:.2g} "
                                         "(%{customdata[1]:,} permutations)<extra></extra>"))
    if "paper_d" in table and table["paper_d"].notna().any():
        fig.add_trace(go.Scatter(x=table["paper_d"], y=labels, mode="markers", name="d in the paper (GloVe 840B)",
                                 marker=dict(symbol="diamond", size=10, color="#222")))
    fig.update_xaxes(title="effect size d (sample std)", zeroline=True, zerolinecolor="#444")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return _layout(fig, title or "WEAT effect sizes (pale: p ≥ 0.05)", height=max(320, 45 * len(table) + 150))


def build_intervals(table: pd.DataFrame, *, estimate: str, low: str, high: str, p: str = "p", title: str,
                    x_title: str) -> go.Figure:
    """Each test's estimate with its interval as a horizontal error bar; solid when p < 0.05, pale otherwise."""
    labels = [f"{plotly_text(str(t))}: {plotly_text(str(x))} vs {plotly_text(str(y))}"
              for t, x, y in zip(table["test"], table["X"], table["Y"])]
    colours = [(POSITIVE if v > 0 else NEGATIVE) if q < SIGNIFICANCE else MUTED
               for v, q in zip(table[estimate], table[p])]
    fig = go.Figure(go.Scatter(
        x=table[estimate], y=labels, mode="markers", name=plotly_text(estimate), marker=dict(size=11, color=colours),
        error_x=dict(type="data", symmetric=False, array=table[high] - table[estimate],
                     arrayminus=table[estimate] - table[low], color="#555", thickness=1.6, width=6),
        customdata=np.stack([table[low], table[high], table[p]], axis=1),
        hovertemplate="%{y}<br>" + plotly_text(estimate) + " = %{x:.2f} [%{customdata[0]:.2f}, "
                      "%{customdata[1]:.2f}]<br>p = %{customdata[2]:.2g}<extra></extra>"))
    fig.update_xaxes(title=plotly_text(x_title), zeroline=True, zerolinecolor="#444")
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(fig, title, height=max(300, 40 * len(table) + 140))


def build_explained_variance(ratios: Sequence[float], *, title: str = "") -> go.Figure:
    """Bars of the explained variance ratio per principal component of the definitional pairs."""
    names = [f"PC{i + 1}" for i in range(len(ratios))]
    fig = go.Figure(go.Bar(x=names, y=list(ratios), marker_color=[POSITIVE] + [MUTED] * (len(ratios) - 1),
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    fig.update_yaxes(title="explained variance ratio", tickformat=".0%")
    return _layout(fig, title or "Explained variance of the definitional pairs", height=340)


def build_before_after(table: pd.DataFrame, *, title: str = "") -> go.Figure:
    """Grouped bars of WEAT d before and after neutralising."""
    labels = _esc(table["test"])
    fig = go.Figure([go.Bar(x=labels, y=table["d before"], name="before", marker_color=POSITIVE),
                     go.Bar(x=labels, y=table["d after"], name="after neutralising", marker_color=NEGATIVE)])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="effect size d", zeroline=True, zerolinecolor="#444")
    return _layout(fig, title or "WEAT effect size before and after the neutralise step", height=380)
