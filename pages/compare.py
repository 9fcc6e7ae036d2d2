"""Compare: two projections or two models of the same data side by side, and custom axes."""
import streamlit as st

from components import seam
from components.maps.axes_panel import custom_axes_panel
from components.maps.compare_modes import compare_models, compare_projections
from components.state import active_choice, saved
from core.errors import UserError

MODES = {"projections": "Two projections", "models": "Two models", "axes": "Custom axes"}

choice = active_choice()
st.title("Compare")
try:
    emb = seam.embedded(choice)
except UserError as err:
    st.error(str(err))
    st.stop()
st.caption(f"{seam.dataset_title(choice)} · {emb.model_label} · {len(emb.dataset):,} points")
mode = st.segmented_control("Compare", list(MODES), format_func=MODES.get, key="ee_w_compare_mode",
                            default=saved("ee_w_compare_mode", "projections")) or "projections"
if mode == "projections":
    compare_projections(emb)
elif mode == "models":
    compare_models(emb, choice)
else:
    custom_axes_panel(emb, choice)
