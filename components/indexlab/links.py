"""What other pages say of their index, with a link to the Index lab."""
from __future__ import annotations

import streamlit as st

from core.search.collection_info import CollectionInfo

LAB_PAGE = "pages/indexlab.py"
SPACE_WORDS = {"cosine": "cosine", "l2": "l2 (squared Euclidean)", "ip": "ip (inner product)"}


def index_sentence(info: CollectionInfo) -> str:
    """The index a collection is searched with, in one sentence."""
    ef = f", ef_search {info.search_ef}" if info.search_ef else ""
    return (f"Index: Chroma HNSW with {SPACE_WORDS.get(info.metric, info.metric)} distance{ef}, chosen when the "
            "data was indexed; exact search checks its answers.")


def index_caption(info: CollectionInfo | None) -> None:
    """The index's sentence and a link to the lab that measures the others on the same vectors."""
    if info is None:
        return
    st.caption(index_sentence(info))
    st.page_link(LAB_PAGE, label="What would another index, metric or quantisation cost or keep? Index lab",
                 icon=":material/speed:")
