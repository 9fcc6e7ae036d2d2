"""Fine-tune: contrastive training on the user's pairs, and how the space moved."""
import streamlit as st

from components.state import active_choice
from components.training.models_panel import models_panel
from components.training.pairs_panel import base_model_picker, pairs_input, params_input
from components.training.results_panel import results_panel
from components.training.run_panel import run_section
from core.training.train import LOSS_NOTE

st.title("Fine-tune")
st.caption("Train a sentence model on pairs from your domain (MultipleNegativesRankingLoss with hard negatives "
           "mined from the base model), then see on held-out pairs what changed.")
choice = active_choice()
models_panel()
base = base_model_picker(choice)
with st.expander("Parameters", expanded=False):
    params = params_input()
    st.caption(LOSS_NOTE)
pairs = pairs_input(choice, params.seed)
if pairs is None:
    st.stop()
result = run_section(pairs, base, params)
if result is not None:
    results_panel(result)
