"""The caching seam: every page reaches models, datasets, vectors and maps through here."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from components.access.policy import heavy_slot, require_servable
from components.access.published import PUBLISHED, published_dataset
from components.memo import server_memos
from components.progress import bar_ticker
from components.state import PRECOMPUTED, UPLOADS, DataChoice
from core.data.builtins import builtin
from core.data.table import Dataset
from core.embedding import windows as long_windows
from core.embedding.encode import EmbeddingResult, Windows, attach_precomputed, coverage_note, embed_dataset
from core.embedding.estimate import Outcome, estimate_job, record, token_count
from core.embedding.models import Embedder, create_embedder, first_load_note, is_corpus_fitted, model_title
from core.embedding.windows import WindowReport
from core.errors import Cancelled
from core.hashing import hash_array
from core.maps.clusters import ClusterResult, ClusterSpec
from core.maps.faithfulness import Faithfulness
from core.maps.knn import KnnGraph
from core.maps.labels import naming_texts
from core.maps.projection import ProjectionParams
from core.maps.service import MapData, MapService


@dataclass
class Embedded:
    """A dataset with its vectors, and how they were obtained."""

    dataset: Dataset
    vectors_hash: str
    model_label: str
    n_cached: int = 0
    n_encoded: int = 0
    note: str | None = None
    report: WindowReport | None = None  # how the texts fit the model's token window
    windows: Windows | None = None  # each text's windows and their vectors, with chunking

    @property
    def map_data(self) -> MapData:
        """What the map service keys and computes on."""
        return MapData(self.dataset.vectors, self.vectors_hash, naming_texts(self.dataset))


@st.cache_resource(show_spinner=False, max_entries=4)
def _loaded(model_key: str) -> Embedder:
    return create_embedder(model_key)


def embedder(model_key: str) -> Embedder:
    """One loaded model per server process; a first load that builds files on this machine says so."""
    with st.spinner(first_load_note(model_key) or "Loading the model…"):
        return _loaded(model_key)


def embedder_getter(model_key: str) -> Callable[[], Embedder] | None:
    """How core gets the loaded model: None for models fitted on the data's own texts (core fits those)."""
    return None if is_corpus_fitted(model_key) else (lambda: embedder(model_key))


def forget_models() -> None:
    """Drop every loaded model (after a model folder is deleted)."""
    _loaded.clear()


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=8)
def builtin_dataset(key: str, size: int) -> Dataset:
    """A built-in dataset; `size` counts only for sized ones."""
    return builtin(key).load(size)


def raw_dataset(choice: DataChoice) -> Dataset:
    """The chosen dataset before embedding; a read-only server refuses data and models it does not offer."""
    require_servable(choice.source, choice.model)
    if choice.source == "upload":
        return st.session_state[UPLOADS][choice.dataset]
    if choice.source == PUBLISHED:
        return published_dataset(choice.dataset)
    return builtin_dataset(choice.dataset, choice.size)


def dataset_title(choice: DataChoice) -> str:
    if choice.source == "upload":
        uploads = st.session_state.get(UPLOADS, {})
        return uploads[choice.dataset].name if choice.dataset in uploads else "uploaded data"
    if choice.source == PUBLISHED:
        return f"{choice.dataset} (published map)"
    return builtin(choice.dataset).title_at(choice.size)


RATE_MIN_TEXTS = 256  # an encode this long or longer sets the model's measured pace


def record_rate(model_key: str, texts: list[str], result: EmbeddingResult, seconds: float) -> None:
    """Record what a real embedding of `texts` took here, with the tokens it read: later estimates learn from it."""
    if result.n_encoded < RATE_MIN_TEXTS or seconds <= 0:
        return
    share = result.n_encoded / max(result.n_encoded + result.n_cached, 1)
    tokens = _tokens_read(result) if result.report is not None else token_count(texts, None) * share
    record(Outcome(model_key, result.n_encoded, round(tokens), seconds))


STOPPED = "ee_embed_stopped"  # data choices whose embedding this session stopped


def stop_embedding(choice: DataChoice) -> None:
    """on_click of the Stop button: the running script stops after the chunk in hand, which stays cached."""
    st.session_state.setdefault(STOPPED, set()).add(choice)


def resume_embedding(choice: DataChoice) -> None:
    st.session_state.get(STOPPED, set()).discard(choice)


def _embed_with_progress(choice: DataChoice, dataset: Dataset) -> Embedded:
    if choice.model == PRECOMPUTED:
        ds = attach_precomputed(dataset)
        return Embedded(ds, hash_array(ds.vectors), "the data's own vectors")
    label = model_title(choice.model)
    stop = st.empty()
    stop.button("Stop embedding", key=f"ee_embed_stop_{choice.model}", on_click=stop_embedding, args=(choice,),
                help="Texts encoded so far stay cached; embedding again encodes only the rest.")
    bar = st.progress(0.0, text=f"Embedding {len(dataset):,} texts with {label}…")
    unit = "new windows" if choice.long.chunk else "new texts"
    tick = bar_ticker(bar, f"Embedding with {label}", unit=unit)
    get = embedder_getter(choice.model)
    start = time.perf_counter()
    try:
        with heavy_slot(f"Embedding with {label}"):  # one heavy job per session, a cap across the server
            ds, result = embed_dataset(dataset, choice.model, get_embedder=get, progress=tick,
                                       long_texts=choice.long, **choice.embed_options)
    finally:
        bar.empty()
        stop.empty()
    seconds = time.perf_counter() - start
    record_rate(choice.model, dataset.texts, result, seconds)
    note = coverage_note(choice.model, dataset.texts)
    return Embedded(ds, hash_array(ds.vectors), label, result.n_cached, result.n_encoded, note,
                    report=result.report, windows=result.windows)


def _tokens_read(result) -> float:
    """Tokens the model read for the newly encoded texts (an estimate: their share of all tokens)."""
    counts = result.report.counts
    read = np.minimum(counts, result.report.size).sum() if result.windows is None else counts.sum()
    total = result.n_encoded + result.n_cached
    return float(read) * result.n_encoded / max(total, 1)


def window_report(choice: DataChoice) -> WindowReport | None:
    """How the chosen data's texts fit the model's token window, counted before embedding (None: no window)."""
    if choice.model == PRECOMPUTED or is_corpus_fitted(choice.model):
        return None
    dataset = raw_dataset(choice)

    def compute() -> WindowReport | None:
        window = long_windows.token_window(choice.model, lambda: embedder(choice.model))
        return None if window is None else long_windows.window_report(dataset.texts, window, choice.long_texts)

    return server_memos()["derived"].get_or_make(("window-report", choice), compute)


def token_rate(model_key: str, sample: list[str]) -> float:
    """Tokens per second for this model on texts like `sample`: from the embeddings recorded on this machine,
    else its prior (timed on `sample` first when its pace here is unknown)."""
    with st.spinner("Estimating the time on this machine…"):
        job = estimate_job(model_key, sample, len(sample), get_embedder=lambda: embedder(model_key))
    return job.tokens / max(job.seconds, 1e-9)


def _from_memory(emb: Embedded, n_texts: int) -> Embedded:
    """The counts of a call that found the vectors in memory: every text cached, none encoded."""
    if emb.n_cached == n_texts and emb.n_encoded == 0:
        return emb
    return replace(emb, n_cached=n_texts, n_encoded=0)


def is_embedded(choice: DataChoice) -> bool:
    """Whether the vectors of `choice` are in memory already."""
    return choice in server_memos()["embedded"]


def embedded(choice: DataChoice) -> Embedded:
    """The chosen dataset with vectors; encodes (with a progress bar) only what the disk cache lacks.

    n_cached and n_encoded describe this call: a call answered from memory encoded nothing.
    """
    dataset = raw_dataset(choice)
    if choice in st.session_state.get(STOPPED, set()):
        raise Cancelled("Embedding was stopped. The texts encoded so far are cached; embedding again encodes "
                        "only the rest.")
    made: list[Embedded] = []

    def make() -> Embedded:
        made.append(_embed_with_progress(choice, dataset))
        return made[0]

    emb = server_memos()["embedded"].get_or_make(choice, make)
    if made or choice.model == PRECOMPUTED:
        return emb
    return _from_memory(emb, len(dataset))


@st.cache_resource(show_spinner=False)
def map_service() -> MapService:
    """One map service per server: every session shares its memo and its background jobs."""
    return MapService()


def knn(emb: Embedded, params: ProjectionParams) -> KnnGraph:
    """The shared neighbour graph of the vectors (UMAP, clusters, faithfulness and neighbour panels read it)."""
    return map_service().graph(emb.map_data, params, announce=st.spinner)


def projection(emb: Embedded, params: ProjectionParams) -> np.ndarray:
    """Map coordinates, from memory or disk when seen before, else computed behind a spinner."""
    return map_service().projection(emb.map_data, params, announce=st.spinner)


def place_on_map(emb: Embedded, params: ProjectionParams, vectors: np.ndarray) -> np.ndarray | None:
    """Map coordinates for new vectors (queries), or None when the method cannot place them."""
    return map_service().place(emb.map_data, params, vectors, announce=st.spinner)


def clusters(emb: Embedded, coords: np.ndarray, params: ProjectionParams, spec: ClusterSpec) -> ClusterResult:
    """Clusters of the current map with keyword labels, computed once per settings."""
    return map_service().clusters(emb.map_data, coords, params, spec, announce=st.spinner)


def faithfulness(emb: Embedded, coords: np.ndarray, params: ProjectionParams) -> Faithfulness:
    """kNN preservation and trustworthiness of the current map, overall and per point."""
    return map_service().faithfulness(emb.map_data, coords, params, announce=st.spinner)


def hover_labels(emb: Embedded, columns: tuple[str, ...]) -> list[str]:
    """Every row's hover label (text, chosen columns, image), built once per dataset: colour changes reuse it."""
    from core.maps.figure import HOVER_CHARS, HOVER_CHARS_LARGE, LARGE_MAP, hover_texts

    ds = emb.dataset
    large = len(ds) > LARGE_MAP

    def compute() -> list[str]:
        if not large:
            return hover_texts(ds.frame, ds.text_column, columns, ds.images, limit=HOVER_CHARS)
        with st.spinner(f"Preparing hover labels for {len(ds):,} points…"):
            return hover_texts(ds.frame, ds.text_column, columns, ds.images, limit=HOVER_CHARS_LARGE, compact=True)

    return server_memos()["derived"].get_or_make(("hover", emb.vectors_hash, ds.name, columns), compute)


def text_embedder(choice: DataChoice, emb: Embedded) -> Embedder:
    """The model that embeds new texts (queries, phrases) the way the current data was embedded: the loaded
    model, or for a model fitted on the data's own texts, that fit (one per server process)."""
    from core.embedding.models import MODELS

    spec = MODELS.get(choice.model)
    if spec is None or not spec.needs_corpus:
        return embedder(choice.model)

    def fit() -> Embedder:
        with st.spinner(f"Fitting {spec.title} to embed new texts…"):
            return create_embedder(choice.model, corpus=raw_dataset(choice).texts)

    return server_memos()["embedded"].get_or_make(("corpus-model", choice, emb.vectors_hash), fit)


def phrase_embedder(choice: DataChoice, emb: Embedded) -> Callable[[list[str]], np.ndarray] | None:
    """A function embedding phrases the way the data was embedded, or None for the data's own vectors."""
    if choice.model == PRECOMPUTED:
        return None
    model = text_embedder(choice, emb)
    return lambda phrases: model.encode(list(phrases))


def anisotropy(emb: Embedded) -> float:
    """The mean cosine between random pairs of the current vectors, computed once per vectors."""
    from core.vectors import anisotropy as mean_random_cosine

    return server_memos()["derived"].get_or_make(("anisotropy", emb.vectors_hash),
                                           lambda: mean_random_cosine(emb.dataset.vectors))
