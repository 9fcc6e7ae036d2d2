"""Projection settings, applied together from one form."""
from __future__ import annotations

import streamlit as st

from components.state import saved, saved_index
from core.maps.projection import METRICS, ProjectionParams

METHOD_LABELS = {"umap": "UMAP", "tsne": "t-SNE", "pca": "PCA"}
DEFAULTS = ProjectionParams()


def projection_form() -> ProjectionParams:
    """Widgets for the projection; values take effect when the user presses Apply."""
    with st.form("ee_projection_form", border=False):
        c1, c2, c3, c4 = st.columns([2, 1, 2, 2])
        method = c1.segmented_control("Method", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                                      default=saved("ee_w_method", DEFAULTS.method), key="ee_w_method")
        dims = c2.segmented_control("Dimensions", [2, 3], default=saved("ee_w_dims", DEFAULTS.n_components),
                                    key="ee_w_dims")
        metric = c3.selectbox("Metric", METRICS, index=saved_index("ee_w_metric", METRICS), key="ee_w_metric")
        seed = c4.number_input("Seed", 0, 2**31 - 1, saved("ee_w_seed", DEFAULTS.random_state), key="ee_w_seed")
        c5, c6, c7 = st.columns(3)
        neighbors = c5.slider("UMAP neighbours", 2, 200, saved("ee_w_neighbors", DEFAULTS.n_neighbors), key="ee_w_neighbors")
        min_dist = c6.slider("UMAP min_dist", 0.0, 0.99, saved("ee_w_min_dist", DEFAULTS.min_dist), 0.01,
                            key="ee_w_min_dist")
        perplexity = c7.slider("t-SNE perplexity", 2.0, 100.0, saved("ee_w_perplexity", DEFAULTS.perplexity), 1.0,
                              key="ee_w_perplexity")
        st.form_submit_button("Apply", type="primary")
    return ProjectionParams(method=method or DEFAULTS.method, n_components=int(dims or 2),
                            n_neighbors=int(neighbors), min_dist=float(min_dist), perplexity=float(perplexity),
                            metric=metric, random_state=int(seed))


def saved_params(**overrides) -> ProjectionParams:
    """The Map page's projection settings as last applied (defaults before the first visit), with overrides."""
    values = dict(method=saved("ee_w_method", DEFAULTS.method) or DEFAULTS.method,
                  n_components=int(saved("ee_w_dims", DEFAULTS.n_components) or 2),
                  n_neighbors=int(saved("ee_w_neighbors", DEFAULTS.n_neighbors)),
                  min_dist=float(saved("ee_w_min_dist", DEFAULTS.min_dist)),
                  perplexity=float(saved("ee_w_perplexity", DEFAULTS.perplexity)),
                  metric=saved("ee_w_metric", DEFAULTS.metric), random_state=int(saved("ee_w_seed", DEFAULTS.random_state)))
    return ProjectionParams(**(values | overrides))
