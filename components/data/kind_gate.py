"""The one sentence a text-only page shows for images, graphs, tables and vector files, and the stop after it."""
from __future__ import annotations

import streamlit as st

from core.data.table import Dataset
from core.embedding.kinds import is_text_kind, text_only_sentence


def require_text(page: str, dataset: Dataset) -> None:
    """Stop the page with one sentence unless `dataset` holds texts."""
    if not is_text_kind(dataset):
        st.info(text_only_sentence(page, dataset))
        st.stop()
