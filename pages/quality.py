"""Quality: what is odd (outliers), what is repeated (near-duplicates) and what changed (drift), on the map."""
import streamlit as st

from components import seam
from components.audits.report import report_button
from components.data.page_header import embedded_or_stop
from components.maps.controls import projection_form
from components.quality.drift_panel import drift_panel
from components.quality.duplicates_panel import duplicates_panel
from components.quality.outliers_panel import outliers_panel
from components.state import active_choice
from core.errors import UserError
from core.maps.settings import METHOD_LABELS

choice = active_choice()
emb = embedded_or_stop("Quality", choice)
with st.expander("Map settings", expanded=False):
    params = projection_form()
try:
    coords = seam.projection(emb, params)
    graph = seam.knn(emb, params)
except UserError as err:
    st.error(str(err))
    st.stop()
title = f"{METHOD_LABELS[params.method]} of {seam.dataset_title(choice)}"
outliers_tab, duplicates_tab, drift_tab = st.tabs(["Outliers", "Duplicates", "Drift"])
with outliers_tab:
    outliers_panel(emb, coords, graph, title)
with duplicates_tab:
    duplicates_panel(emb, coords, graph, title)
with drift_tab:
    drift_panel(emb, coords, params, title, choice)
report_button(key="ee_report_quality")
