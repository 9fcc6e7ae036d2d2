"""Words in context: one word's vectors across its sentences, its senses, and GloVe's single vector beside them."""
import streamlit as st

from components import seam
from components.contexts import panels
from components.contexts import seam as ctx_seam
from components.data.kind_gate import require_text_data
from components.state import active_choice, persist
from core.contexts.occurrences import require_occurrences
from core.embedding.models import model_title
from core.errors import UserError

st.title("Words in context")
require_text_data("Words in context")
choice = active_choice()
model_key = ctx_seam.context_model(choice)
st.caption(f"A static model such as GloVe gives a word one vector; a contextual model gives it one per sentence. "
           f"Contextual vectors from {model_title(model_key)}.")
try:
    data = seam.raw_dataset(choice)
except (UserError, KeyError):
    st.error("The current data cannot be read; choose data on the Data page, or type sentences below.")
    data = None
data_texts = data.texts if data is not None else []
data_title = seam.dataset_title(choice) if data is not None else "no data"
source = panels.source_picker(data_texts, data_title)
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
word = c1.text_input("Word", max_chars=60, **persist(panels.WORD, "bank"))
clicked = c2.button("Show contexts", type="primary", key="ee_ctx_go")
if not source.typed and source.texts:
    with st.expander("Suggestions: words whose contexts differ most"):
        panels.suggestions(model_key, source)

result = panels.kept_result(word, model_key, source)
if clicked or st.session_state.pop(panels.RUN, False):
    try:
        require_occurrences(word, source.texts)
        base_texts, base_label = panels.baseline_texts(data_texts, data_title, source)
        base = ctx_seam.baseline(model_key, panels.digest(base_texts), base_texts)
        result = panels.run(word, model_key, source, base, base_label)
    except UserError as err:
        st.error(str(err))
        st.stop()
if result is None:
    st.info("Type a word (or pick a suggestion) and press **Show contexts**.")
    st.stop()
panels.figures_row(result)
panels.maps_row(result, ctx_seam.static_sides(result.word))
panels.sense_tables(result)
