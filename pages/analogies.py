"""Analogies: a : b :: c : ? by 3CosAdd and 3CosMul, and the Google analogy benchmark."""
import streamlit as st

from components.audits import seam as audit_seam
from components.audits.analogy_panels import benchmark_panel, solve_panel
from components.audits.controls import SENTENCE_WORDS_PER_S, model_picker, vocab_size
from components.audits.report import report_button
from components.data.kind_gate import require_text_data
from core.embedding.models import is_word_vocabulary
from core.errors import UserError

st.title("Analogies")
require_text_data("Analogies")
c1, c2 = st.columns(2)
with c1:
    model = model_picker("analogy")
glove = is_word_vocabulary(model)
with c2:
    n = vocab_size("analogy" if glove else "analogy_sentence", 30_000 if glove else 5_000,
                   help="Only these words can be answers. GloVe's tokens are in frequency order.")
if not glove:
    st.caption(f"A sentence model has no vocabulary of its own, so the candidate answers are GloVe's {n:,} most "
               f"frequent words, each embedded alone. The first run encodes them (about "
               f"{max(1, n // SENTENCE_WORDS_PER_S)} s on 2 CPU cores); later runs read the disk cache.")
try:
    with st.spinner(f"Preparing the {n:,}-word vocabulary…"):
        audit_seam.analogy_vocabulary(model, n)
except UserError as err:
    st.error(str(err))
    st.stop()

solve_tab, bench_tab = st.tabs(["Solve an analogy", "Benchmark"])
with solve_tab:
    solve_panel(model, n)
with bench_tab:
    benchmark_panel(model, n)
report_button(key="ee_report_analogies")
