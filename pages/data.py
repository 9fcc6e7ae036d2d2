"""Data: choose a built-in dataset or upload one, and the model that embeds it."""
import streamlit as st

from components import seam
from components.data.upload import dataset_id, upload_form
from components.state import (
    PRECOMPUTED,
    UPLOADS,
    DataChoice,
    active_choice,
    forget,
    saved,
    saved_index,
    set_active_choice,
)
from core.data.builtins import BUILTINS
from core.embedding.models import CUSTOM_PREFIX, MODELS, model_title
from core.errors import UserError

CUSTOM = "custom"
MODEL_LABELS = {PRECOMPUTED: "The data's own vectors", **{k: m.title for k, m in MODELS.items()},
                CUSTOM: "Another sentence-transformers model (name or local folder)…"}

st.title("Data")
current = active_choice()


def _reset_model() -> None:
    """A new dataset starts from its own vectors when it has them, else the default model."""
    forget("ee_w_model")


source = st.radio("Source", ["builtin", "upload"], horizontal=True, key="ee_w_source",
                  index=saved_index("ee_w_source", ["builtin", "upload"]),
                  format_func={"builtin": "Built-in dataset", "upload": "Upload a file"}.get)
if source == "builtin":
    key = st.selectbox("Dataset", list(BUILTINS), format_func=lambda k: BUILTINS[k].title, key="ee_w_builtin",
                       index=saved_index("ee_w_builtin", list(BUILTINS)),
                       on_change=_reset_model)
    size = 5000
    if key == "glove-words":
        size = int(st.number_input("How many of the most frequent words", 100, 400_000,
                                   saved("ee_w_glove_size", 5000), step=1000,
                                   key="ee_w_glove_size"))
    try:
        raw = seam.builtin_dataset(key, size)
    except UserError as err:
        st.error(str(err))
        st.stop()
    pending = DataChoice("builtin", key, size)
else:
    uploaded = upload_form()
    if uploaded is not None:
        upload_key = dataset_id(uploaded)
        st.session_state.setdefault(UPLOADS, {})[upload_key] = uploaded
        st.session_state["ee_pending_upload"] = upload_key
    upload_key = st.session_state.get("ee_pending_upload")
    if upload_key not in st.session_state.get(UPLOADS, {}):
        st.info("Upload a file and press the button under it to continue.")
        st.stop()
    raw = st.session_state[UPLOADS][upload_key]
    pending = DataChoice("upload", upload_key)

st.caption(raw.description or f"{raw.name}: {len(raw):,} rows")
if len(raw.excluded):
    st.warning(raw.excluded.summary())
    with st.expander("Which rows were excluded, and why"):
        st.dataframe(raw.excluded.to_frame(), hide_index=True, key="ee_excluded_rows")
with st.expander(f"Preview ({len(raw):,} rows)"):
    st.dataframe(raw.frame.head(200), hide_index=True, key="ee_data_preview")

models = ([PRECOMPUTED] if raw.vectors is not None else []) + list(MODELS) + [CUSTOM]
model = st.selectbox("Model", models, format_func=MODEL_LABELS.get, key="ee_w_model",
                     index=saved_index("ee_w_model", models))
if model == CUSTOM:
    name = st.text_input("Model name or local folder", saved("ee_w_custom_model", ""), key="ee_w_custom_model",
                         placeholder="sentence-transformers/all-mpnet-base-v2 or /models/my-model")
    model = f"{CUSTOM_PREFIX}{name.strip()}"
if model in MODELS:
    st.caption(MODELS[model].description)

if st.button("Embed and map", type="primary", key="ee_embed"):
    choice = DataChoice(pending.source, pending.dataset, pending.size, model)
    try:
        emb = seam.embedded(choice)
    except UserError as err:
        st.error(str(err))
        st.stop()
    set_active_choice(choice)
    current = choice
    origin = (emb.model_label if choice.model == PRECOMPUTED
              else f"{emb.n_cached:,} from the cache, {emb.n_encoded:,} newly encoded")
    st.success(f"{len(emb.dataset):,} vectors of dimension {emb.dataset.vectors.shape[1]} ready ({origin}).")
    if emb.note:
        st.info(emb.note)
    if len(emb.dataset.excluded):
        st.warning(emb.dataset.excluded.summary())
        st.dataframe(emb.dataset.excluded.to_frame(), hide_index=True, key="ee_embed_excluded")
    st.page_link("pages/map.py", label="Open the map", icon=":material/scatter_plot:")

st.divider()
st.caption(f"Now on the map: {seam.dataset_title(current)} with "
           f"{MODEL_LABELS[PRECOMPUTED] if current.model == PRECOMPUTED else model_title(current.model)}.")
