"""The Outliers tab: score, threshold, the map coloured by score, the ranked table and its download."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components import seam
from components.audits.report import record
from components.downloads import csv_download
from components.quality import seam as quality_seam
from components.seam import Embedded
from components.setting_widgets import setting_widget
from core.maps.knn import KnnGraph
from core.quality.figures import outlier_map
from core.quality.outliers import OutlierResult, scores_frame, why_alone
from core.quality.report import outliers_section
from core.quality.settings import BY_NAME

TABLE_ROWS = 50
CHART_CONFIG = {"displaylogo": False, "scrollZoom": True}


def _settings() -> tuple[str, int, float]:
    method_column, k_column, share_column = st.columns([2, 1, 2])
    with method_column:
        method = setting_widget(BY_NAME["method"])
    with k_column:
        k = int(setting_widget(BY_NAME["k"], disabled=method == "iforest"))
    with share_column:
        share = float(setting_widget(BY_NAME["contamination"]))
    return method, k, share


def outliers_panel(emb: Embedded, coords: np.ndarray, graph: KnnGraph, title: str) -> None:
    """What is odd in the data: each point's score on the map, and why the most unusual ones are alone."""
    method, k, share = _settings()
    result = quality_seam.outliers(emb, graph, method, k, share)
    ds = emb.dataset
    st.caption(f"{int(result.flagged.sum()):,} of {len(ds):,} points flagged (score ≥ {result.threshold:.4g}; "
               "higher means more unusual). Flagged points are ringed on the map.")
    fig = outlier_map(coords, ds.frame, ds.text_column, result.scores, result.flagged, title=title,
                      hover=seam.hover_labels(emb, ()))
    st.plotly_chart(fig, key="ee_quality_outlier_map", config=CHART_CONFIG)
    table = why_alone(result, graph, ds.texts, top=TABLE_ROWS)
    st.markdown("**Why is it alone?** The most unusual points, each with its nearest neighbours "
                "(cosine distance before each).")
    st.dataframe(table, hide_index=True, key="ee_quality_outlier_table",
                 column_config={"score": st.column_config.NumberColumn(format="%.4f"),
                                "nearest distance": st.column_config.NumberColumn(format="%.3f")})
    csv_download(lambda: _all_scores(result, emb), "outlier-scores.csv", key="ee_quality_outlier_csv",
                 label="Download every point's score (CSV)")
    record("outliers", outliers_section(result, table, dataset=title, figure=fig))


def _all_scores(result: OutlierResult, emb: Embedded):
    return scores_frame(result, emb.dataset.source_rows, emb.dataset.texts)
