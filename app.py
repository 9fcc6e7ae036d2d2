"""Embedding Explorer: the router. Pages live in pages/, logic in core/."""
import importlib
from pathlib import Path

import streamlit as st

from components.access.gate import admit
from components.access.policy import can_write
from components.chart_code import ask_for_chart_code, clear_chart_code

FAVICON = Path(__file__).parent / "static" / "favicon.png"  # local file: no icon request leaves the machine

ask_for_chart_code()  # first, so the browser loads Plotly's code while this run computes
st.set_page_config(page_title="Embedding Explorer", page_icon=str(FAVICON), layout="wide")

pages = {
    "Explore": [
        st.Page("pages/map.py", title="Map", icon=":material/scatter_plot:", default=True),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
        st.Page("pages/search.py", title="Search", icon=":material/search:"),
        st.Page("pages/indexlab.py", title="Index lab", icon=":material/speed:"),
        st.Page("pages/contexts.py", title="Words in context", icon=":material/format_quote:"),
        st.Page("pages/quality.py", title="Quality", icon=":material/rule:"),
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
    ],
    "Audit": [
        st.Page("pages/analogies.py", title="Analogies", icon=":material/compare_arrows:"),
        st.Page("pages/bias.py", title="Bias (WEAT)", icon=":material/balance:"),
        st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
    ],
}
if can_write():  # a read-only server has no page that only writes
    pages["Audit"].append(st.Page("pages/finetune.py", title="Fine-tune", icon=":material/model_training:"))
    pages["Audit"].append(st.Page("pages/static.py", title="Train a static model", icon=":material/model_training:"))
if not admit():  # the password, before any page, data or heavy import
    clear_chart_code()
    st.stop()
# Streamlit's own page list stays hidden (config.toml): on a server's first visit it would list the files in
# pages/ before this script runs. These links, drawn before any heavy import, are the navigation.
page = st.navigation(pages, position="hidden")
with st.sidebar:
    for section, links in pages.items():
        st.caption(f"**{section}**")
        for link in links:
            st.page_link(link)
    st.caption("Embedding Explorer: maps, search and audits of embedding spaces, offline.")
with st.spinner("Opening the page…"):  # the steps the pages share take seconds to import on a server's first visit
    from components.state import save_widget_state

    importlib.import_module("components.seam")
try:
    page.run()
finally:
    clear_chart_code()
    save_widget_state()
