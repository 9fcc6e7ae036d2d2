"""Map: the current dataset projected to 2D or 3D."""
import streamlit as st

from components import seam
from components.controls import METHOD_LABELS, projection_form
from components.map_panel import map_panel
from components.state import active_choice
from core.errors import UserError

choice = active_choice()
st.title("Map")
try:
    emb = seam.embedded(choice)
except UserError as err:
    st.error(str(err))
    st.page_link("pages/data.py", label="Choose other data or another model", icon=":material/database:")
    st.stop()

st.caption(f"{seam.dataset_title(choice)} · {emb.model_label} · {len(emb.dataset):,} points · "
           f"{emb.dataset.vectors.shape[1]} dimensions")
if emb.note:
    st.caption(emb.note)
if len(emb.dataset.excluded):
    st.warning(f"{emb.dataset.excluded.summary()} See the Data page for which rows.")
with st.expander("Projection settings", expanded=False):
    params = projection_form()
try:
    coords = seam.projection(emb, params)
except UserError as err:
    st.error(str(err))
    st.stop()

title = f"{METHOD_LABELS[params.method]} of {seam.dataset_title(choice)}"
map_panel(emb, coords, title)
with st.expander("How far can this map be trusted?"):
    score = seam.trustworthiness(emb, coords, params)
    st.metric("Trustworthiness (k = 10)", f"{score:.3f}")
    st.caption("1.0 means every point's 10 nearest neighbours on the map are also close in the original space; "
               "below about 0.8, clusters that look close may not be. Computed on up to 2,000 sampled points.")
