"""Cluster settings (one form) and the cluster table with its quality scores."""
from __future__ import annotations

import streamlit as st

from components.downloads import csv_download
from components.state import persist, saved
from core.maps.clustering import LINKAGES
from core.maps.clusters import SPACES, ClusterResult, ClusterSpec
from core.maps.labels import parse_stop_words

METHOD_LABELS = {"none": "No clusters", "hdbscan": "HDBSCAN (density)", "kmeans": "KMeans",
                 "agglomerative": "Agglomerative"}
SPACE_LABELS = {"map": "the map (2D/3D)", "vectors": "the original vectors"}
DEFAULT_METHOD = "hdbscan"


def _default_space(method: str) -> str:
    """HDBSCAN on the map (density in 384-D is meaningless); KMeans and agglomerative on the vectors."""
    return "map" if method == "hdbscan" else "vectors"


def cluster_form() -> ClusterSpec | None:
    """Widgets for the clusters; values take effect when the user presses Apply."""
    methods = list(METHOD_LABELS)
    with st.form("ee_cluster_form", border=False):
        c1, c2, c3 = st.columns([2, 2, 1])
        method = c1.selectbox("Method", methods, format_func=METHOD_LABELS.get,
                              **persist("ee_w_cluster_method", DEFAULT_METHOD, options=methods))
        space = c2.radio("Cluster", SPACES, format_func=SPACE_LABELS.get, horizontal=True,
                         **persist("ee_w_cluster_space", _default_space(method), options=SPACES))
        linkage = c3.selectbox("Linkage", LINKAGES, help="Agglomerative only.",
                               **persist("ee_w_cluster_linkage", LINKAGES[0], options=LINKAGES))
        c4, c5, c6 = st.columns([1, 1, 2])
        k = c4.number_input("Clusters (0 = suggest)", 0, 100, **persist("ee_w_cluster_k", 0),
                            help="KMeans and agglomerative. 0 picks the k with the best silhouette from 2 to 12.")
        size = c5.number_input("Smallest cluster (0 = auto)", 0, 100_000, **persist("ee_w_cluster_min_size", 0),
                               help="HDBSCAN only. Auto is about 1% of the points.")
        stop = c6.text_input("Extra stop words for the labels", **persist("ee_w_cluster_stop", ""),
                             placeholder="said, mr, year", help="Added to the English stop words; comma-separated.")
        st.form_submit_button("Apply", type="primary")
    return _spec(method, space, k, size, linkage, stop)


def _spec(method: str, space: str, k: int, size: int, linkage: str, stop: str) -> ClusterSpec | None:
    if method == "none":
        return None
    return ClusterSpec(method=method, space=space, n_clusters=int(k) or None, min_cluster_size=int(size) or None,
                       linkage=linkage, stop_words=parse_stop_words(stop))


def saved_cluster_spec() -> ClusterSpec | None:
    """The Map page's cluster settings as last applied (defaults before the first visit), for other pages."""
    method = saved("ee_w_cluster_method", DEFAULT_METHOD)
    return _spec(method, saved("ee_w_cluster_space", _default_space(method)), saved("ee_w_cluster_k", 0),
                 saved("ee_w_cluster_min_size", 0), saved("ee_w_cluster_linkage", LINKAGES[0]),
                 saved("ee_w_cluster_stop", ""))


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
