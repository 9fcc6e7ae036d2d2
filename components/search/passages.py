"""The matching passage of each chunked hit, as columns of the results table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from core.search.passages import CLOSE, OPEN, best_window, highlighted_markdown, passage_columns

PASSAGE_HELP = (f"The window of the text most similar to the query, between {OPEN} and {CLOSE}, with a little "
                "of the text around it.")


def passage_table(table: pd.DataFrame, emb: seam.Embedded, query: np.ndarray, rows: list[int | None]) -> pd.DataFrame:
    """The results with 'window', 'window similarity' and 'passage' just before the whole text."""
    passages = passage_columns(emb.windows, emb.dataset.texts, rows, query)
    columns = list(table.columns)
    at = columns.index("text")
    order = [*columns[:at], *passages.columns, *columns[at:]]
    return pd.concat([table, passages], axis=1)[order]


def top_passage(emb: seam.Embedded, query: np.ndarray, row: int | None) -> None:
    """The top hit's matching window, highlighted inside its text."""
    if emb.windows is None or row is None:
        return
    best, sim = best_window(emb.windows, row, query)
    n = len(emb.windows.spans[row])
    st.markdown(f"**Best-matching passage of the top hit** (window {best + 1} of {n}, similarity {sim:.3f}):")
    st.markdown(highlighted_markdown(emb.dataset.texts[row], emb.windows.spans[row][best]))
