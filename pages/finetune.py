"""Fine-tune: contrastive training on the user's pairs, and how the space moved."""
import streamlit as st

from components.access.policy import read_only_stop
from components.data.kind_gate import require_text_data
from components.state import active_choice
from components.training.models_panel import models_panel
from components.training.pairs_panel import base_model_picker, pairs_input, params_input
from components.training.results_panel import results_panel
from components.training.run_panel import run_section
from core.training.losses import LOSSES

st.title("Fine-tune")
read_only_stop("Fine-tuning")
require_text_data("Fine-tuning")
st.caption("Train a sentence model on pairs from your domain (the loss you choose, with hard negatives mined from "
           "the base model; the whole model or a small LoRA adapter), then see on held-out pairs what changed.")
choice = active_choice()
models_panel()
base = base_model_picker(choice)
with st.expander("Parameters", expanded=False):
    params = params_input()
    st.caption(LOSSES[params.loss].note)
pairs = pairs_input(choice, params)
if pairs is None:
    st.stop()
result = run_section(pairs, base, params)
if result is not None:
    results_panel(result)
