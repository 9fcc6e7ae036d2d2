"""Cluster settings (one form, one widget per row of core.maps.cluster_settings) and the cluster table."""
from __future__ import annotations

from typing import Any

import streamlit as st

from components.downloads import csv_download
from components.setting_widgets import setting_widget
from components.state import saved
from core.maps.cluster_settings import BY_NAME, CLUSTER_SETTINGS, ClusterSpec, spec_from
from core.maps.clusters import ClusterResult
from core.setting import Setting

PER_LINE = 3  # widgets per line of the form
WIDTHS = {"radio": 2, "select": 2, "text": 2}  # column widths by widget kind (others: 1)
EXTRA = {"stop_words": {"placeholder": "said, mr, year"}}  # further arguments of a setting's widget


def _default_space(method: str) -> str:
    """HDBSCAN on the map (density in 384-D is meaningless); KMeans and agglomerative on the vectors."""
    return "map" if method == "hdbscan" else "vectors"


def _start_value(setting: Setting, values: dict[str, Any]) -> Any:
    """What a widget starts from: the space follows the method chosen above it, the others their default."""
    return _default_space(values["method"]) if setting.name == "space" else setting.widget_value(setting.default)


def cluster_form() -> ClusterSpec | None:
    """One widget per cluster setting, in lines; values take effect when the user presses Apply."""
    values: dict[str, Any] = {}
    with st.form("ee_cluster_form", border=False):
        for start in range(0, len(CLUSTER_SETTINGS), PER_LINE):
            line = CLUSTER_SETTINGS[start:start + PER_LINE]
            for column, setting in zip(st.columns([WIDTHS.get(s.widget, 1) for s in line]), line):
                with column:
                    values[setting.name] = setting_widget(setting, default=_start_value(setting, values),
                                                          **EXTRA.get(setting.name, {}))
        st.form_submit_button("Apply", type="primary")
    return _spec(values)


def _spec(values: dict[str, Any]) -> ClusterSpec | None:
    """The spec of widget values keyed by setting name."""
    return spec_from({name: BY_NAME[name].cast(value) for name, value in values.items()})


def saved_cluster_spec() -> ClusterSpec | None:
    """The Map page's cluster settings as last applied (defaults before the first visit), for other pages."""
    values: dict[str, Any] = {}
    for setting in CLUSTER_SETTINGS:
        values[setting.name] = saved(setting.widget_key, _start_value(setting, values))
    return _spec(values)


def _score_line(result: ClusterResult) -> str:
    sil, db = result.scores.get("silhouette"), result.scores.get("davies_bouldin")
    parts = [f"{result.n_clusters} clusters {result.note}"]
    if result.noise_share:
        parts.append(f"{result.noise_share:.0%} noise (grey)")
    if sil is not None:
        parts.append(f"silhouette {sil:.2f} (higher is better, -1 to 1), Davies-Bouldin {db:.2f} (lower is better)")
    if result.scores.get("n_scored", 0) < len(result.labels) * (1 - result.noise_share) - 0.5:
        parts.append(f"scores on a sample of {int(result.scores['n_scored']):,} points")
    if result.n_fit < len(result.labels):
        parts.append(f"fitted on {result.n_fit:,} sampled points, the rest follow their nearest fitted point")
    return "; ".join(parts) + "."


def cluster_table(result: ClusterResult) -> None:
    """Scores, the silhouette of each candidate k, and one row per cluster."""
    if result.advice:
        st.info(result.advice)
    st.caption(_score_line(result))
    if result.silhouette_by_k:
        best = max(result.silhouette_by_k, key=result.silhouette_by_k.get)
        st.caption("Suggested k by silhouette: " + ", ".join(
            f"**{k}: {v:.2f}**" if k == best else f"{k}: {v:.2f}" for k, v in result.silhouette_by_k.items()))
    config = {"share": st.column_config.ProgressColumn("share", format="percent", min_value=0.0, max_value=1.0),
              "examples": st.column_config.TextColumn(width="large")}
    st.dataframe(result.table.drop(columns=["label"]), column_config=config, hide_index=True, width="stretch",
                 key="ee_cluster_table")
    csv_download(lambda: result.table, "clusters.csv", key="ee_cluster_csv")  # written on click
