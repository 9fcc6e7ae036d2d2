"""Before an embedding job of minutes: say how long it takes here, and offer a faster model or a sample."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import seam
from components.access.policy import can_write
from components.data.upload import PENDING_UPLOAD, dataset_id
from components.progress import duration
from components.state import PRECOMPUTED, UPLOADS, DataChoice, set_active_choice
from core.data.builtins import DEFAULT_SIZE
from core.data.table import Dataset
from core.embedding.encode import count_missing
from core.embedding.estimate import LONG_JOB_S, SAMPLE_ROWS, Estimate, estimate_job
from core.embedding.kinds import is_text_kind
from core.embedding.models import MODELS, model_title

CONFIRMED = "ee_long_job_ok"  # data choices whose long embedding the user accepted
EMBED_NOW = "ee_embed_now"  # a choice the Data page embeds on its next run (picked in this notice)
MODEL_FOR = "ee_model_for_dataset"  # the dataset the Data page's model picker was last shown for
FAST_MODEL = "tfidf-lsa"
CALIBRATE_FLOOR = 1_000  # fewer new texts than this are never worth a warning


def job_estimate(model_key: str, texts: list[str], n_new: int, *, whole: bool = False) -> Estimate:
    """How long encoding `n_new` of `texts` takes here (`whole`: every token, as chunking reads them); the model
    is timed on a few texts first only when its pace on this machine is unknown and the job may be long."""
    with st.spinner(f"Estimating how long {model_title(model_key)} takes on this machine…"):
        return estimate_job(model_key, texts, n_new, whole=whole, get_embedder=seam.embedder_getter(model_key))


def basis(job: Estimate) -> str:
    """What the estimate rests on, in words."""
    if job.measured:
        return f"paced by {job.measured} embedding{'s' if job.measured > 1 else ''} with this model on this machine"
    return "a first estimate: no embedding with this model has run on this machine yet"


def _choose(choice: DataChoice) -> None:
    st.session_state.setdefault(CONFIRMED, set()).add(choice)
    st.session_state[EMBED_NOW] = choice
    set_active_choice(choice)


def _use_sample(choice: DataChoice, dataset: Dataset) -> None:
    """Keep a seeded sample as an upload and choose it, with the same model and long-text choice."""
    sample = dataset.sample(SAMPLE_ROWS, seed=0)
    key = dataset_id(sample)
    st.session_state.setdefault(UPLOADS, {})[key] = sample
    st.session_state[PENDING_UPLOAD] = key
    st.session_state["ee_w_source"] = "upload"
    picked = replace(choice, source="upload", dataset=key, size=DEFAULT_SIZE)  # uploads have no size
    st.session_state[MODEL_FOR] = DataChoice("upload", key)
    _choose(picked)


def _use_model(choice: DataChoice, model_key: str) -> None:
    st.session_state["ee_w_model"] = model_key
    _choose(replace(choice, model=model_key))


def _offers(choice: DataChoice, dataset: Dataset, seconds: float) -> None:
    """The three ways on: all rows with this model, a faster model, or a sample."""
    texts = dataset.texts
    left, middle, right = st.columns(3)
    left.button(f"Embed all {len(dataset):,} rows (about {duration(seconds)})", key="ee_long_all",
                on_click=_choose, args=(choice,))
    if choice.model != FAST_MODEL and FAST_MODEL in MODELS:
        fast = job_estimate(FAST_MODEL, texts, len(texts)).seconds  # fitted on all the texts
        middle.button(f"Use {MODELS[FAST_MODEL].title} (about {duration(fast)})", key="ee_long_fast",
                      on_click=_use_model, args=(choice, FAST_MODEL))
    if len(dataset) > SAMPLE_ROWS and can_write():  # a sample is kept like an upload, which a viewer cannot make
        part = seconds * SAMPLE_ROWS / len(dataset)  # texts and tokens both scale with the rows
        right.button(f"Map a {SAMPLE_ROWS:,}-row sample (about {duration(part)})", key="ee_long_sample",
                     on_click=_use_sample, args=(choice, dataset), type="primary")


def long_job_gate(choice: DataChoice, dataset: Dataset) -> None:
    """When embedding `choice` would take more than a minute, say so with the options and stop the page."""
    if choice.model == PRECOMPUTED or seam.is_embedded(choice) or choice in st.session_state.get(CONFIRMED, set()):
        return
    if not is_text_kind(dataset):  # other kinds' models time their own work (their progress shows time left)
        return
    texts = dataset.texts
    with st.spinner(f"Looking up which of {len(texts):,} texts are in the cache…"):
        missing = count_missing(texts, choice.model)
    if missing < CALIBRATE_FLOOR:
        return
    job = job_estimate(choice.model, texts, missing, whole=choice.long.chunk)
    if job.seconds < LONG_JOB_S:
        return
    st.warning(f"{len(dataset):,} rows with {model_title(choice.model)}: about {duration(job.seconds)} here to embed "
               f"({missing:,} texts, about {job.tokens:,} tokens, to encode; {basis(job)}). Choose how to go on:")
    _offers(choice, dataset, job.seconds)
    st.stop()
