"""Compare: two projections or two models of the same data side by side, and custom axes."""
import streamlit as st

from components.data.page_header import embedded_or_stop
from components.maps.axes_panel import custom_axes_panel
from components.maps.compare_modes import compare_models, compare_projections
from components.state import active_choice, persist

MODES = {"projections": "Two projections", "models": "Two models", "axes": "Custom axes"}

choice = active_choice()
emb = embedded_or_stop("Compare", choice)
mode = st.segmented_control("Compare", list(MODES), format_func=MODES.get,
                            **persist("ee_w_compare_mode", "projections")) or "projections"
if mode == "projections":
    compare_projections(emb)
elif mode == "models":
    compare_models(emb, choice)
else:
    custom_axes_panel(emb, choice)
