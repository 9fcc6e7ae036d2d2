"""Link prediction on the Evaluate page, for graph data: the node2vec paper's protocol, for the current model."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.memo import server_memos
from components.progress import progress
from components.seam import Embedded
from components.state import DataChoice
from core.errors import UserError
from core.evaluation.links import CONVENTIONS
from core.graphs.links import graph_link_prediction
from core.graphs.models import MODELS
from core.graphs.payload import GraphData


def link_prediction_panel(emb: Embedded, choice: DataChoice) -> None:
    """A button that runs link prediction with the chosen graph model and its settings, then the result."""
    if not isinstance(emb.dataset.payload, GraphData):
        return
    st.subheader("Link prediction")
    st.caption(CONVENTIONS)
    if choice.model not in MODELS:
        st.info("Link prediction trains a graph model on part of the graph; choose DeepWalk, node2vec or spectral "
                "embedding on the Data page.")
        return
    key, memo = ("link-prediction", choice), server_memos()["derived"]
    if key not in memo and not st.button("Run link prediction", key="ee_link_prediction_run"):
        return
    try:
        with progress(f"Training {MODELS[choice.model].title} on the residual graph") as tick:
            result = memo.get_or_make(key, lambda: graph_link_prediction(emb.dataset, choice.model, progress=tick,
                                                                         **choice.embed_options))
    except UserError as err:
        st.error(str(err))
        return
    table = pd.DataFrame([{"model": MODELS[choice.model].title, **result.figures()}])
    st.dataframe(table, hide_index=True, key="ee_link_prediction_table")
