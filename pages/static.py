"""Train: a static model (Word2Vec, fastText, Doc2Vec) learned from the current corpus, and which suits it best."""
import streamlit as st

from components import seam
from components.access.policy import read_only_stop
from components.data.kind_gate import require_text_data
from components.state import active_choice
from components.training.static_panel import (
    COMPARING,
    TRAINING,
    comparison_panel,
    reproducibility_note,
    settings_input,
    start_comparison,
    start_training,
    trained_panel,
)
from core.errors import UserError
from core.training.static import TOKENISER

st.title("Train a static model")
read_only_stop("Training a static model")
require_text_data("Training a static model")
try:
    dataset = seam.raw_dataset(active_choice())
except UserError as err:
    st.error(str(err))
    st.stop()
st.caption(f"Learns word vectors from the {len(dataset):,} texts of {dataset.name} with gensim. Tokens come from "
           f"{TOKENISER}, so the same model can be rebuilt with gensim alone (the model's README shows how).")
with st.expander("Settings", expanded=True):
    params = settings_input()
words = sum(len(str(t).split()) for t in dataset.texts)
st.caption(reproducibility_note(params, words))
train, compare = st.columns(2)
busy = TRAINING.busy() or COMPARING.busy()
start = None
if train.button("Train and save", type="primary", key="ee_static_train", disabled=busy):
    start = start_training
if compare.button("Which is best for my corpus?", key="ee_static_compare", disabled=busy,
                  help="Trains Word2Vec CBOW, skip-gram and fastText with these settings and compares them."):
    start = start_comparison
if start is not None:
    try:
        start(dataset, params)
    except UserError as err:  # a read-only server, or a visitor who must wait for a place
        st.warning(str(err))
    else:
        st.rerun()
trained = TRAINING.outcome()
if trained is not None:
    trained_panel(trained)
compared = COMPARING.outcome()
if compared is not None:
    comparison_panel(compared)
