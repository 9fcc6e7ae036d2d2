"""Bias: WEAT tests with statistics, a bias direction, a neutralise preview and semantic axes."""
import streamlit as st

from components.audits import seam as audit_seam
from components.audits.controls import model_picker, templates_editor, vocab_size
from components.audits.direction_panels import axes_panel, debias_panel, direction_panel
from components.audits.report import report_button
from components.audits.weat_panel import weat_panel
from components.data.kind_gate import require_text_data
from core.embedding.models import is_word_vocabulary
from core.errors import UserError

st.title("Bias (WEAT)")
require_text_data("Bias (WEAT)")
c1, c2 = st.columns(2)
with c1:
    model = model_picker("bias")
try:
    with c2:
        if is_word_vocabulary(model):
            n, templates = vocab_size("bias", 400_000, help="Words outside the N most frequent count as missing."), ()
        else:
            n, templates = None, templates_editor("bias")
    key = audit_seam.source_key(model, n, templates)
    with st.spinner("Loading the model…"):
        source = audit_seam.word_source(key)
except UserError as err:
    st.error(str(err))
    st.stop()
if not is_word_vocabulary(model):
    st.caption("Sentence model, SEAT style (May et al. 2019): each word is put in every template and each sentence "
               "is one element of its WEAT set. Directions, projections and axes use each word's mean over its "
               "templates.")

weat_tab, direction_tab, debias_tab, axes_tab = st.tabs(["WEAT", "Bias direction", "Neutralise preview",
                                                         "Semantic axes"])
with weat_tab:
    weat_panel(key, source.label, sentence_model=not is_word_vocabulary(model))
with direction_tab:
    pairs = direction_panel(key, source.label)
with debias_tab:
    debias_panel(key, pairs, source.label, model)
with axes_tab:
    axes_panel(key, source.label)
report_button(key="ee_report_bias")
