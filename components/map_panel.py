"""The interactive part of the Map page: colour, filter, scatter and selection, in one fragment."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.images import png_data_uri
from components.plots import build_scatter, is_continuous, show_scatter
from components.seam import Embedded
from components.state import remember, saved, saved_index
from core.table import Dataset

NONE = "(none)"
MAX_HOVER_COLUMNS = 4
MAX_FILTER_VALUES = 200


def _filter_mask(frame: pd.DataFrame) -> np.ndarray:
    """Rows kept by the user's metadata filter (all rows when none is set)."""
    options = [NONE, *frame.columns]
    column = st.selectbox("Filter by", options, index=saved_index("ee_w_filter_column", options),
                          key="ee_w_filter_column", on_change=remember, args=("ee_w_filter_column",))
    if column == NONE:
        return np.ones(len(frame), dtype=bool)
    values = frame[column]
    if is_continuous(values):
        low, high = float(values.min()), float(values.max())
        key = f"ee_w_filter_range_{column}"
        chosen = st.slider(f"{column} between", low, high, saved(key, (low, high)), key=key,
                           on_change=remember, args=(key,))
        return values.between(*chosen).to_numpy()
    options = values.astype(str).value_counts().index[:MAX_FILTER_VALUES].tolist()
    key = f"ee_w_filter_values_{column}"
    picked = st.multiselect(f"Show only these {column} values", options,
                            [v for v in saved(key, []) if v in options], key=key, on_change=remember, args=(key,))
    return values.astype(str).isin(picked).to_numpy() if picked else np.ones(len(frame), dtype=bool)


def _selection_table(dataset: Dataset, rows: list[int]) -> None:
    """The selected points as a table, with thumbnails when the data has images."""
    table = dataset.frame.iloc[rows].copy()
    config = {dataset.text_column: st.column_config.TextColumn(width="large")}
    if dataset.images is not None:
        table.insert(0, "image", [png_data_uri(dataset.images[r]) for r in rows])
        config["image"] = st.column_config.ImageColumn("image", width="small")
    st.dataframe(table, column_config=config, width="stretch", hide_index=True, key="ee_selection_table")
    st.download_button("Download selection as CSV", table.drop(columns=["image"], errors="ignore").to_csv(index=False),
                       file_name="selection.csv", mime="text/csv", key="ee_download_selection")


@st.fragment
def map_panel(emb: Embedded, coords: np.ndarray, title: str) -> None:
    """Colour, filter and select without recomputing the projection."""
    dataset = emb.dataset
    meta = dataset.metadata_columns
    left, right = st.columns(2)
    with left:
        options = [NONE, *meta]
        color = st.selectbox("Colour by", options, index=saved_index("ee_w_color", options), key="ee_w_color",
                             on_change=remember, args=("ee_w_color",))
    with right:
        visible = _filter_mask(dataset.frame)
    fig = build_scatter(coords, dataset.frame, text_column=dataset.text_column,
                        color=None if color == NONE else color, hover_columns=meta[:MAX_HOVER_COLUMNS],
                        images=dataset.images, visible=visible, title=title)
    rows = show_scatter(fig, key="ee_map_chart")
    st.caption(f"{int(visible.sum()):,} of {len(dataset):,} points shown. "
               "Drag with the lasso or box tool to select points; double-click to clear.")
    if rows:
        st.subheader(f"{len(rows):,} selected")
        _selection_table(dataset, rows)
