"""Data: choose a built-in dataset or upload one, and the model that embeds it."""
import streamlit as st

from components import seam
from components.access.policy import can_write
from components.access.published import PUBLISHED, published_names
from components.data.image_models import clip_folder_input, custom_label, image_model_card, is_image_data
from components.data.long_job import EMBED_NOW, MODEL_FOR, long_job_gate
from components.data.long_texts import long_texts_panel
from components.data.upload import PENDING_UPLOAD, dataset_id, upload_form
from components.graphs.settings_panel import with_graph_settings
from components.state import (
    PRECOMPUTED,
    UPLOADS,
    DataChoice,
    active_choice,
    forget,
    persist,
    set_active_choice,
    vector_sources,
)
from components.tables.card import table_model_card
from components.tables.settings_panel import with_table_settings
from core.data.builtins import BUILTINS, DEFAULT_SIZE
from core.data.table import VECTORS
from core.embedding.models import CUSTOM_PREFIX, MODELS, model_title
from core.errors import Cancelled, UserError
from core.training.store import local_models

CUSTOM = "custom"
MODEL_LABELS = {PRECOMPUTED: "The data's own vectors", **{k: m.title for k, m in MODELS.items()},
                CUSTOM: "Another sentence-transformers model (name or local folder)…"}

st.title("Data")
current = active_choice()


def model_options(raw) -> list[str]:
    """The data's own vectors first when it has them; text models only when it has text worth embedding; for
    images, their models and a local CLIP folder."""
    return vector_sources(raw, [*MODELS, *(m.key for m in local_models()), CUSTOM]) + \
        ([CUSTOM] if is_image_data(raw) else [])


def model_label(key: str) -> str:
    """How the picker shows a model: the registry title, or a fine-tuned model's card title."""
    return MODEL_LABELS.get(key) or model_title(key)


def start_model_picker(pending: DataChoice) -> None:
    """Another dataset than last time starts from its own vectors when it has them, else the default model."""
    last = st.session_state.get(MODEL_FOR)
    if last is not None and last != pending:
        forget("ee_w_model")
    st.session_state[MODEL_FOR] = pending


SOURCES = {"builtin": "Built-in dataset", PUBLISHED: "Published map", "upload": "Upload a file"}
sources = ["builtin", *([PUBLISHED] if published_names() else []), *(["upload"] if can_write() else [])]
source = st.radio("Source", sources, horizontal=True, format_func=SOURCES.get,
                  **persist("ee_w_source", "builtin", options=sources))
if source == PUBLISHED:
    names = published_names()
    key = st.selectbox("Published map", names, **persist("ee_w_published", names[0], options=names))
    pending = DataChoice(PUBLISHED, key)
    try:
        raw = seam.raw_dataset(pending)
    except UserError as err:
        st.error(str(err))
        st.stop()
elif source == "builtin":
    datasets = list(BUILTINS)
    key = st.selectbox("Dataset", datasets, format_func=lambda k: BUILTINS[k].title,
                       **persist("ee_w_builtin", datasets[0], options=datasets))
    size, sized = DEFAULT_SIZE, BUILTINS[key].sized
    if sized is not None:
        size = int(st.number_input(sized.label, sized.low, sized.high, step=sized.step,
                                   **persist("ee_w_glove_size", sized.default)))
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
        st.session_state[PENDING_UPLOAD] = upload_key
    upload_key = st.session_state.get(PENDING_UPLOAD)
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

models = model_options(raw) if can_write() else [m for m in model_options(raw) if m != CUSTOM]
start_model_picker(pending)
if raw.kind == VECTORS:
    st.caption("This file has vectors but no text column, so it is mapped with its own vectors. Upload a "
               "metadata table with a text column to embed texts with a model instead.")
model = st.selectbox("Model", models, format_func=lambda k: custom_label(raw, model_label(k)) if k == CUSTOM
                     else model_label(k), **persist("ee_w_model", models[0], options=models))
if model == CUSTOM and is_image_data(raw):
    model = clip_folder_input("ee_w_clip_model")
elif model == CUSTOM:
    name = st.text_input("Model name or local folder", **persist("ee_w_custom_model", ""),
                         placeholder="sentence-transformers/all-mpnet-base-v2 or /models/my-model")
    model = f"{CUSTOM_PREFIX}{name.strip()}"
if model in MODELS:
    st.caption(MODELS[model].description)
if is_image_data(raw):
    image_model_card(model)
choice = with_graph_settings(raw, long_texts_panel(DataChoice(pending.source, pending.dataset, pending.size, model)))
choice = with_table_settings(raw, choice)
table_model_card(raw, choice)

chosen = st.session_state.pop(EMBED_NOW, None)  # picked in the long-job notice
if st.button("Embed and map", type="primary", key="ee_embed") or chosen is not None:
    choice = chosen or choice
    try:
        seam.resume_embedding(choice)
        long_job_gate(choice, seam.raw_dataset(choice))
        emb = seam.embedded(choice)
    except Cancelled as err:
        st.info(f"{err} Press “Embed and map” to go on.")
        st.stop()
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
    if emb.report is not None and emb.report.sentence():
        st.info(emb.report.sentence())
    if len(emb.dataset.excluded):
        st.warning(emb.dataset.excluded.summary())
        st.dataframe(emb.dataset.excluded.to_frame(), hide_index=True, key="ee_embed_excluded")
    st.page_link("pages/map.py", label="Open the map", icon=":material/scatter_plot:")

st.divider()
st.caption(f"Now on the map: {seam.dataset_title(current)} with "
           f"{MODEL_LABELS[PRECOMPUTED] if current.model == PRECOMPUTED else model_title(current.model)}.")
