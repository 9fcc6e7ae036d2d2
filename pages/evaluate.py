"""Evaluate: how good is this embedding, on standard sets and on the data's own labels and queries."""
import streamlit as st

from components.audits.report import report_button
from components.data.page_header import embedded_or_stop
from components.evaluation.compare_panels import intrinsic_panel, models_panel
from components.evaluation.task_panels import labels_panel, retrieval_panel
from components.graphs.evaluate_panel import link_prediction_panel
from components.maps.anisotropy import anisotropy_caption
from components.state import active_choice

choice = active_choice()
emb = embedded_or_stop("Evaluate", choice)
anisotropy_caption(emb)
labels_tab, retrieval_tab, models_tab, intrinsic_tab = st.tabs(
    ["Labels", "Retrieval", "Compare models", "Word and document similarity"])
with labels_tab:
    labels_panel(emb, choice)
    link_prediction_panel(emb, choice)
with retrieval_tab:
    retrieval_panel(emb, choice)
with models_tab:
    models_panel(emb, choice)
with intrinsic_tab:
    intrinsic_panel(choice)
report_button(key="ee_report_evaluate")
