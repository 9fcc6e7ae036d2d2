"""Why two selected rows of a table are close: each column's share of their distance, as a small bar chart."""
from __future__ import annotations

import streamlit as st

from components.seam import Embedded
from core.tables.figures import why_close_figure
from core.tables.models import table_transform
from core.tables.why_close import column_shares


def why_close_panel(emb: Embedded, rows: list[int]) -> None:
    """For table rows embedded by the table model: with two rows selected, the columns that set them apart."""
    transform = table_transform(emb.dataset)
    if transform is None:
        return
    if len(rows) != 2:
        st.caption("Select exactly two rows to see which columns make up the distance between them.")
        return
    shares = column_shares(transform, emb.dataset.frame, *rows)
    texts = emb.dataset.texts
    fig = why_close_figure(shares, texts[rows[0]], texts[rows[1]], reduced=transform.reducer is not None)
    st.plotly_chart(fig, key="ee_why_close_chart", config={"displaylogo": False})
    st.caption("Each column's part of the squared Euclidean distance between the two rows' features; "
               "one-hot levels and date parts count for the column they came from.")
