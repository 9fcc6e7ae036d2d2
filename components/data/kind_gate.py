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


def require_text_data(page: str) -> None:
    """Stop the page with one sentence unless the data chosen on the Data page holds texts (data that cannot be
    read is left to the page, which says so or does not need it)."""
    from components import seam
    from components.state import active_choice
    from core.errors import UserError

    try:
        dataset = seam.raw_dataset(active_choice())
    except (UserError, KeyError):
        return
    require_text(page, dataset)
