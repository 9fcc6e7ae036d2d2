"""The Duplicates tab: exact repeats, near pairs on the map, and the data with one row kept per group."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components import seam
from components.audits.report import record
from components.downloads import csv_download
from components.quality import seam as quality_seam
from components.quality.outliers_panel import CHART_CONFIG
from components.seam import Embedded
from components.setting_widgets import setting_widget
from core.maps.knn import KnnGraph
from core.quality.duplicates import DuplicateResult, pairs_frame, removed_frame, summary
from core.quality.figures import duplicate_map
from core.quality.report import duplicates_section
from core.quality.settings import BY_NAME

TABLE_ROWS = 500


def _counts(result: DuplicateResult) -> None:
    counts = summary(result)
    columns = st.columns(4)
    columns[0].metric("Exact text repeats", f"{counts['exact_duplicates']:,}",
                      help="Rows whose text repeats an earlier row's exactly")
    columns[1].metric("Exact vector repeats", f"{counts['exact_vector_duplicates']:,}",
                      help="Rows whose vector repeats an earlier row's exactly")
    columns[2].metric("Near pairs", f"{counts['pairs']:,}", help=f"Pairs at cosine ≥ {result.threshold:g}")
    columns[3].metric("Duplicate groups", f"{counts['groups']:,}", help="Pairs joined into groups (connected "
                      "components); keeping one row per group removes " f"{counts['removed']:,} rows")


def duplicates_panel(emb: Embedded, coords: np.ndarray, graph: KnnGraph, title: str) -> None:
    """What is repeated: the counts, the pairs on the map and in a table, and a deduplicated download."""
    threshold = round(float(setting_widget(BY_NAME["threshold"])), 4)
    result = quality_seam.duplicates(emb, graph, threshold)
    ds = emb.dataset
    _counts(result)
    pairs = pairs_frame(result, ds.source_rows, ds.texts)
    fig = duplicate_map(coords, ds.frame, ds.text_column, result.groups, result.pairs, title=title,
                        hover=seam.hover_labels(emb, ()))
    st.plotly_chart(fig, key="ee_quality_duplicate_map", config=CHART_CONFIG)
    if pairs.empty:
        st.info(f"No two points are at cosine {threshold:g} or above. Lower the threshold to see closer pairs.")
    else:
        st.markdown(f"**Near pairs**, most similar first{' (the first 500)' if len(pairs) > TABLE_ROWS else ''}: "
                    "rows are numbered as in the input file, from 0.")
        st.dataframe(pairs.head(TABLE_ROWS), hide_index=True, key="ee_quality_pairs",
                     column_config={"cosine": st.column_config.NumberColumn(format="%.4f")})
    _keep_one(emb, result)
    record("duplicates", duplicates_section(result, pairs, dataset=title, figure=fig))


def _keep_one(emb: Embedded, result: DuplicateResult) -> None:
    """Downloads of the data with one row per duplicate group, and of the rows it leaves out."""
    ds = emb.dataset
    removed = removed_frame(result, ds.source_rows, ds.texts)
    st.markdown(f"**Keep one per group**: the first row of each group stays; {len(removed):,} rows are removed.")
    left, right = st.columns(2)
    with left:
        csv_download(lambda: ds.frame[result.keep], "deduplicated.csv", key="ee_quality_dedup_csv",
                     label="Download the deduplicated data (CSV)")
    with right:
        csv_download(removed, "removed-rows.csv", key="ee_quality_removed_csv", label="Download the removed rows (CSV)")
    if len(removed):
        with st.expander(f"The {len(removed):,} removed rows"):
            st.dataframe(removed, hide_index=True, key="ee_quality_removed")
