"""The interactive part of the Map page: colour, filter, scatter, selection, neighbours and exports.

All of it runs in one `st.fragment`: a colour change, a filter or a lasso reruns only this panel,
with the projection, clusters and faithfulness read from memory.
"""
from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import seam
from components.downloads import csv_download
from components.filters import FilterWidget, row_filter
from components.graphs.map_layer import graph_edges
from components.maps.images import (
    hover_caption,
    hover_pictures,
    picture_config,
    preview,
    with_pictures,
    without_pictures,
)
from components.maps.plots import scatter_selection, selected_rows, selection_shapes
from components.maps.recolour import base_colour, recolour
from components.maps.share_panel import share_panel
from components.maps.view_link import color_notice, sync_color
from components.maps.zoom import current_zoom, whole_selection, zoom_controls
from components.memo import shared_figure, shared_view
from components.seam import Embedded
from components.setting_widgets import setting_widget
from components.state import persist
from components.tables.why_close import why_close_panel
from core.data.table import Dataset
from core.distances import distances, nearest
from core.indexlab.settings import METRIC
from core.maps.clusters import ClusterResult, label_positions
from core.maps.density import density_colour, with_density
from core.maps.faithfulness import Faithfulness
from core.maps.figure import LARGE_MAP, MAX_RENDER, build_scatter
from core.maps.large import is_large
from core.maps.projection import ProjectionParams
from core.maps.recolour import MAP_CHART, density_of, map_density, point_colours, view_id
from core.maps.region import Region, drawn_in_view
from core.quality.settings import BY_NAME as QUALITY_BY_NAME

NONE = "(none)"
CLUSTER = "cluster"
KNN_KEPT = "faithfulness: kNN kept"
TRUST = "faithfulness: trustworthiness"
OUTLIER_K: int = QUALITY_BY_NAME["k"].default  # the k-th neighbour whose distance says how alone a point is
OUTLIER = f"outlier: distance to the {OUTLIER_K}th neighbour"
FAITH_COLUMNS = (KNN_KEPT, TRUST)
SELECTION = "ee_map_selection"  # rows selected on the map, for other pages (custom axes poles)
MAX_HOVER_COLUMNS = 4
MAX_CLUSTER_COLOURS = 60
NEIGHBOURS_SHOWN = 10
TABLE_ROWS = 5_000  # selected rows listed in the table (the CSV download holds them all)
MAP_FILTER = FilterWidget("ee_w_filter_column", "ee_w_filter", "Filter by", "Show only these {column} values",
                          ranges=FAITH_COLUMNS)


def view_frame(dataset: Dataset, clusters: ClusterResult | None, faith: Faithfulness | None,
               alone: np.ndarray | None = None) -> pd.DataFrame:
    """The data's columns plus the map's own: cluster name, per-point faithfulness, and how alone each point is
    (the k-NN outlier score)."""
    extra: dict[str, np.ndarray] = {}
    if alone is not None:
        extra[OUTLIER] = alone
    if clusters is not None:
        extra[CLUSTER] = clusters.names
    if faith is not None:
        extra[KNN_KEPT], extra[TRUST] = faith.preservation, faith.trust
    frame = dataset.frame.drop(columns=[c for c in extra if c in dataset.frame.columns])
    return frame.assign(**extra) if extra else frame


def _filter_mask(frame: pd.DataFrame, text_column: str) -> np.ndarray:
    """Rows kept by the user's filter (all rows when none is set)."""
    chosen = row_filter(frame, text_column, MAP_FILTER)
    return np.ones(len(frame), dtype=bool) if chosen is None else chosen.mask(frame)


def _colour_choice(frame: pd.DataFrame, text_column: str, has_clusters: bool) -> str | None:
    options = [NONE, *[c for c in frame.columns if c != text_column]]
    default = CLUSTER if has_clusters else NONE
    color = st.selectbox("Colour by", options, **persist("ee_w_color", default, options=options, live=True))
    notice = color_notice(options, color)
    if notice:
        st.warning(notice)
    return None if color == NONE else color


def _colour_style(color: str | None, faith: Faithfulness | None) -> dict:
    """Colour-scale settings: faithfulness from red (misleading) to green (faithful)."""
    if color == KNN_KEPT:
        return dict(continuous=True, colorscale="RdYlGn", color_range=(0.0, 1.0))
    if color == TRUST and faith is not None:
        low = float(np.nanmin(faith.trust)) if np.isfinite(faith.trust).any() else 0.0
        return dict(continuous=True, colorscale="RdYlGn", color_range=(min(low, 0.9), 1.0))
    return dict(max_categories=MAX_CLUSTER_COLOURS) if color == CLUSTER else {}


def _labels(clusters: ClusterResult | None, coords: np.ndarray, zoom: str | None = None) -> dict[str, np.ndarray]:
    """Where each cluster's label goes; when zoomed (`zoom`: the region's text), only the labels inside it."""
    positions = {} if clusters is None else label_positions(coords, clusters)
    if zoom is None:
        return positions
    region = Region.parse(zoom)
    return {name: p for name, p in positions.items() if region.contains(np.asarray(p)[None, :2])[0]}


def _selection_table(emb: Embedded, rows: list[int]) -> None:
    """The selected points as a table (the first TABLE_ROWS), with thumbnails when the data has pictures."""
    dataset = emb.dataset
    listed = rows[:TABLE_ROWS]
    table, config = with_pictures(emb, dataset.frame.iloc[listed], listed,
                                  {dataset.text_column: st.column_config.TextColumn(width="large")})
    if len(rows) > len(listed):
        st.caption(f"The first {len(listed):,} of {len(rows):,} selected rows; the CSV holds them all.")
    st.dataframe(table, column_config=config, width="stretch", hide_index=True, key="ee_selection_table")
    whole = without_pictures(table) if len(rows) == len(listed) else (lambda: dataset.frame.iloc[rows])
    csv_download(whole, "selection.csv", key="ee_download_selection", label="Download selection as CSV")


def neighbour_table(emb: Embedded, coords: np.ndarray, params: ProjectionParams, row: int,
                    metric: str | None = None) -> pd.DataFrame:
    """A point's nearest neighbours in the original space (from the shared graph, or by `metric` when another is
    asked for), and whether the map keeps them; with their pictures when the data has them."""
    graph = seam.knn(emb, params)
    k = min(NEIGHBOURS_SHOWN, graph.k)
    nbrs, dists = graph.indices[row, 1:k + 1], graph.distances[row, 1:k + 1]
    if metric is not None and metric != graph.metric:
        vectors = emb.dataset.vectors
        nbrs = nearest(vectors[row], vectors, k, metric, exclude=np.array([row]))[0]
        dists = distances(vectors[row][None, :], vectors[nbrs], metric)[0]
    on_map = np.argsort(((coords - coords[row]) ** 2).sum(axis=1), kind="stable")[1:k + 1]
    texts = emb.dataset.frame[emb.dataset.text_column].to_numpy()
    table = pd.DataFrame({"rank": np.arange(1, k + 1), "neighbour": texts[nbrs],
                          f"{metric or graph.metric} distance": dists,
                          f"among its {k} nearest on the map": np.isin(nbrs, on_map)})
    return with_pictures(emb, table, nbrs.tolist())[0]


def _show_selection(emb: Embedded, coords: np.ndarray, params: ProjectionParams, rows: list[int],
                    count: str | None = None) -> None:
    st.subheader(f"{count or f'{len(rows):,}'} selected")
    if len(rows) == 1:
        preview(emb, rows[0])
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.caption(f"Nearest neighbours of “{emb.dataset.texts[rows[0]][:120]}” in the original space:")
        with right:
            metric = setting_widget(METRIC, key="ee_w_nb_metric")
        table = neighbour_table(emb, coords, params, rows[0], metric)
        st.dataframe(table, hide_index=True, width="stretch", key="ee_neighbour_table",
                     column_config=picture_config(emb))
    why_close_panel(emb, rows)
    _selection_table(emb, rows)


def _drawn_caption(n_drawn: int, n_visible: int, n_total: int) -> str:
    if n_drawn < n_visible:
        return f"{n_drawn:,} of {n_visible:,} points shown (downsampled; raise “Points drawn at most” to see more)."
    return f"{n_visible:,} of {n_total:,} points shown."


def _with_density(fig: go.Figure, coords: np.ndarray, frame: pd.DataFrame, color: str | None, rows: np.ndarray,
                  in_view: np.ndarray, style: dict) -> go.Figure:
    """The scatter over the density of every point in view, coloured as its points (grey without a colour)."""
    colour = None if color is None else shared_view(density_colour, frame, color, rows, **style)
    return shared_figure(with_density, fig, coords, rows=np.flatnonzero(in_view), n_drawn=len(rows), colour=colour)


def _classic_figure(coords: np.ndarray, frame: pd.DataFrame, color: str | None, rows: np.ndarray,
                    in_view: np.ndarray, style: dict, scatter: dict) -> go.Figure:
    """The map with a trace (and legend entry) per category, over the density when the points are a sample."""
    fig = shared_figure(build_scatter, coords, frame, color=color, rows=rows, **scatter, **style)
    return _with_density(fig, coords, frame, color, rows, in_view, style) if _sampled(coords, rows, in_view) else fig


def _recolourable_figure(coords: np.ndarray, frame: pd.DataFrame, color: str | None, rows: np.ndarray,
                         in_view: np.ndarray, faith: Faithfulness | None, scatter: dict) -> go.Figure:
    """A large map in the colouring its drawn points were first shown in this session (see `base_colour`)."""
    base = base_colour(view_id(coords, rows), color)
    style = _colour_style(base, faith)
    fig = shared_figure(build_scatter, coords, frame, color=base, rows=rows, **scatter,
                        colours=shared_view(point_colours, frame, base, rows, coords, **style))
    if not _sampled(coords, rows, in_view):
        return fig
    colour = shared_view(density_of, frame, base, rows, **style)
    return shared_figure(with_density, fig, coords, rows=np.flatnonzero(in_view), n_drawn=len(rows), colour=colour)


def _recolour(coords: np.ndarray, frame: pd.DataFrame, color: str | None, rows: np.ndarray, in_view: np.ndarray,
              style: dict) -> None:
    """The legend of the current colouring, sent beside the chart, which the browser draws the points in."""
    density = None
    if _sampled(coords, rows, in_view):
        density = shared_view(map_density, coords, shared_view(density_of, frame, color, rows, **style), in_view)
    recolour(shared_view(point_colours, frame, color, rows, coords, **style), density, chart_key=MAP_CHART)


def _sampled(coords: np.ndarray, rows: np.ndarray, in_view: np.ndarray) -> bool:
    """Whether the drawn points leave some in view out (the map then draws the density of them all)."""
    return len(rows) < int(in_view.sum()) and coords.shape[1] == 2


@st.fragment
def map_panel(emb: Embedded, coords: np.ndarray, title: str, params: ProjectionParams, *,
              clusters: ClusterResult | None = None, faith: Faithfulness | None = None) -> None:
    """Colour, filter, select and export without recomputing the projection."""
    dataset = emb.dataset
    alone = seam.knn(emb, params).kth_distances(OUTLIER_K) if faith is not None and not is_large(len(dataset)) else None
    frame = shared_view(view_frame, dataset, clusters, faith, alone)
    colour_column, filter_column, points_column, labels_column = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    with colour_column:
        color = _colour_choice(frame, dataset.text_column, clusters is not None)
        sync_color(color)
    with filter_column:
        visible = _filter_mask(frame, dataset.text_column)
    with points_column:
        max_points = st.number_input("Points drawn at most", 1_000, 500_000, step=10_000,
                                     **persist("ee_w_max_points", MAX_RENDER, live=True))
    with labels_column:
        show_labels = st.checkbox("Cluster labels", disabled=clusters is None,
                                  **persist("ee_w_cluster_labels", True, live=True))
    region = current_zoom() if coords.shape[1] == 2 else None
    rows, in_view = drawn_in_view(coords, region, visible=visible, max_points=int(max_points))
    hover = seam.hover_labels(emb, tuple(dataset.metadata_columns[:MAX_HOVER_COLUMNS]))
    labels = shared_view(_labels, clusters, coords, region and region.text()) if show_labels else None
    style = _colour_style(color, faith)
    scatter = dict(text_column=dataset.text_column, hover=hover, labels=labels, title=title)
    recolourable = len(rows) > LARGE_MAP
    sampled = _sampled(coords, rows, in_view)
    with st.spinner(f"Drawing all {int(in_view.sum()):,} points…") if sampled else nullcontext():
        fig = (_recolourable_figure(coords, frame, color, rows, in_view, faith, scatter) if recolourable
               else _classic_figure(coords, frame, color, rows, in_view, style, scatter))
    fig = graph_edges(emb, coords, rows, fig)
    selection = scatter_selection(fig, key=MAP_CHART)
    if recolourable:
        _recolour(coords, frame, color, rows, in_view, style)
    shapes = selection_shapes(selection) if coords.shape[1] == 2 else []
    selected, count = (whole_selection(coords, in_view, shapes, rows) if sampled and shapes
                       else (selected_rows(selection), None))
    if coords.shape[1] == 2:
        zoom_controls(region, shapes if sampled else [], n_in_view=int(in_view.sum()), n_drawn=len(rows))
    pictured = hover_pictures(emb, rows, chart_key=MAP_CHART)
    how = (" Drag with the lasso or box tool to select points; click one for its neighbours; double-click to clear."
           if coords.shape[1] == 2 else " Drag to rotate; switch to 2D to select points.")
    st.caption(_drawn_caption(len(rows), int(in_view.sum()), len(frame)) + how
               + (hover_caption(pictured, len(rows)) if pictured else ""))
    st.session_state[SELECTION] = selected
    if selected:
        _show_selection(emb, coords, params, selected, count)

    def drawn_as_now() -> go.Figure:  # for the HTML download: the colours shown now, with a legend to toggle
        if not recolourable:
            return fig
        return graph_edges(emb, coords, rows, _classic_figure(coords, frame, color, rows, in_view, style, scatter))

    share_panel(emb, coords, drawn_as_now, clusters=clusters, faith=faith)
