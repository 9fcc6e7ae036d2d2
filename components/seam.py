"""The caching seam: every page reaches models, datasets, vectors and maps through here."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from components.memo import server_memos
from components.progress import bar_ticker
from components.state import PRECOMPUTED, UPLOADS, DataChoice
from core.data.builtins import builtin
from core.data.table import Dataset
from core.embedding import windows as long_windows
from core.embedding.encode import Windows, attach_precomputed, coverage_note, embed_dataset
from core.embedding.models import Embedder, create_embedder, first_load_note, is_corpus_fitted, model_title
from core.embedding.windows import WindowReport
from core.errors import Cancelled
from core.hashing import hash_array
from core.maps.projection import (
    ProjectionParams,
    Projector,
    graph_k,
    is_cached,
    neighbour_graph,
    project_map,
)


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _loaded(model_key: str) -> Embedder:
    return create_embedder(model_key)


def embedder(model_key: str) -> Embedder:
    """One loaded model per server process; a first load that builds files on this machine says so."""
    with st.spinner(first_load_note(model_key) or "Loading the model…"):
        return _loaded(model_key)


def forget_models() -> None:
    """Drop every loaded model (after a model folder is deleted)."""
    _loaded.clear()


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=8)
def builtin_dataset(key: str, size: int) -> Dataset:
    """A built-in dataset; `size` counts only for sized ones."""
    return builtin(key).load(size)


def raw_dataset(choice: DataChoice) -> Dataset:
    """The chosen dataset before embedding."""
    if choice.source == "upload":
        return st.session_state[UPLOADS][choice.dataset]
    return builtin_dataset(choice.dataset, choice.size)


def dataset_title(choice: DataChoice) -> str:
    if choice.source == "upload":
        uploads = st.session_state.get(UPLOADS, {})
        return uploads[choice.dataset].name if choice.dataset in uploads else "uploaded data"
    return builtin(choice.dataset).title_at(choice.size)


RATE_MIN_TEXTS = 256  # an encode this long or longer sets the model's measured pace


@st.cache_resource(show_spinner=False)
def encode_rates() -> dict[str, float]:
    """Texts per second per model, as measured on this machine (per server process)."""
    return {}


def record_rate(model_key: str, n_texts: int, seconds: float) -> None:
    if n_texts >= RATE_MIN_TEXTS and seconds > 0:
        encode_rates()[model_key] = n_texts / seconds


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
    stop.button("Stop embedding", key="ee_embed_stop", on_click=stop_embedding, args=(choice,),
                help="Texts encoded so far stay cached; embedding again encodes only the rest.")
    bar = st.progress(0.0, text=f"Embedding {len(dataset):,} texts with {label}…")
    unit = "new windows" if choice.long.chunk else "new texts"
    tick = bar_ticker(bar, f"Embedding with {label}", unit=unit)
    get = None if is_corpus_fitted(choice.model) else (lambda: embedder(choice.model))
    start = time.perf_counter()
    try:
        ds, result = embed_dataset(dataset, choice.model, get_embedder=get, progress=tick, long_texts=choice.long)
    finally:
        bar.empty()
        stop.empty()
    seconds = time.perf_counter() - start
    record_rate(choice.model, result.n_encoded, seconds)
    if result.n_encoded and seconds > 0 and result.report is not None:
        _token_rates()[choice.model] = _tokens_read(result) / seconds
    note = coverage_note(choice.model, dataset.texts)
    return Embedded(ds, hash_array(ds.vectors), label, result.n_cached, result.n_encoded, note,
                    report=result.report, windows=result.windows)


def _tokens_read(result) -> float:
    """Tokens the model read for the newly encoded texts (an estimate: their share of all tokens)."""
    counts = result.report.counts
    read = np.minimum(counts, result.report.size).sum() if result.windows is None else counts.sum()
    total = result.n_encoded + result.n_cached
    return float(read) * result.n_encoded / max(total, 1)


@st.cache_resource(show_spinner=False)
def _token_rates() -> dict[str, float]:
    """Tokens per second each model was measured to encode in this server process."""
    return {}


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
    """Tokens per second for this model: measured in this process, else timed on a few sample texts."""
    rates = _token_rates()
    if model_key not in rates:
        model = embedder(model_key)
        window = long_windows.token_window(model_key, lambda: model)
        with st.spinner("Timing the model on a few texts…"):
            start = time.perf_counter()
            model.encode(sample)
            seconds = time.perf_counter() - start
        rates[model_key] = float(np.minimum(window.counts(sample), window.size).sum()) / max(seconds, 1e-6)
    return rates[model_key]


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


def _graph_key(emb: Embedded, params: ProjectionParams) -> tuple:
    return ("knn", emb.vectors_hash, params.metric, graph_k(params))


def knn(emb: Embedded, params: ProjectionParams):
    """The shared neighbour graph of the vectors (UMAP, clusters, faithfulness and neighbour panels read it)."""
    from core.maps.knn import EXACT_LIMIT

    def compute():
        note = " The first time on this machine also compiles NN-descent (about 40 s)." \
            if len(emb.dataset) > EXACT_LIMIT else ""
        with st.spinner(f"Finding the {graph_k(params)} nearest neighbours of each of {len(emb.dataset):,} "
                        f"points…{note}"):
            return neighbour_graph(emb.dataset.vectors, params, vectors_hash=emb.vectors_hash)

    return server_memos()["graph"].get_or_make(_graph_key(emb, params), compute)


def _project(emb: Embedded, params: ProjectionParams, *, use_cache: bool = True):
    """core's projection step behind a spinner when it has to fit; a fitted projector is remembered."""
    def fit():
        return project_map(emb.dataset.vectors, params, graph=lambda: knn(emb, params),
                           vectors_hash=emb.vectors_hash, use_cache=use_cache)

    if use_cache and is_cached(emb.dataset.vectors, params, vectors_hash=emb.vectors_hash):
        fitted = fit()
    else:
        note = " The first UMAP on this machine also compiles its kernels (about 30 s)." \
            if params.method == "umap" else ""
        with st.spinner(f"Computing {params.method.upper()} for {len(emb.dataset):,} points…{note}"):
            fitted = fit()
    if fitted.projector is not None:
        server_memos()["fitted"].put(("fitted", emb.vectors_hash, params), fitted.projector)
    return fitted


def projection(emb: Embedded, params: ProjectionParams) -> np.ndarray:
    """Map coordinates, from memory or disk when seen before, else computed behind a spinner."""
    return server_memos()["projection"].get_or_make((emb.vectors_hash, params), lambda: _project(emb, params).coords)


def fitted_projector(emb: Embedded, params: ProjectionParams) -> Projector | None:
    """The fitted reducer behind a map, for placing new points with `transform` (None for t-SNE).

    With a fixed seed the refit reproduces the cached coordinates exactly.
    """
    if params.method == "tsne":
        return None
    return server_memos()["fitted"].get_or_make(("fitted", emb.vectors_hash, params),
                                          lambda: _project(emb, params, use_cache=False).projector)


def place_on_map(emb: Embedded, params: ProjectionParams, vectors: np.ndarray) -> np.ndarray | None:
    """Map coordinates for new vectors (queries), or None when the method cannot place them."""
    projector = fitted_projector(emb, params)
    return None if projector is None else projector.transform(np.asarray(vectors, dtype=np.float32))


def clusters(emb: Embedded, coords: np.ndarray, params: ProjectionParams, spec):
    """Clusters of the current map with keyword labels (core.cluster_map), computed once per settings."""
    from core.maps.clusters import cluster_map

    def compute():
        graph = knn(emb, params) if spec.space == "vectors" else None
        with st.spinner(f"Clustering {len(emb.dataset):,} points ({spec.method})…"):
            return cluster_map(emb.dataset.vectors, coords, emb.dataset.texts, spec, metric=params.metric, graph=graph)

    return server_memos()["derived"].get_or_make(("clusters", emb.vectors_hash, params, spec), compute)


def faithfulness(emb: Embedded, coords: np.ndarray, params: ProjectionParams):
    """kNN preservation and trustworthiness of the current map, overall and per point."""
    from core.maps.faithfulness import faithfulness as measure

    def compute():
        graph = knn(emb, params)
        with st.spinner("Measuring how faithful the map is…"):
            return measure(emb.dataset.vectors, coords, graph)

    return server_memos()["derived"].get_or_make(("faith", emb.vectors_hash, params), compute)


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


def phrase_embedder(choice: DataChoice, emb: Embedded) -> Callable[[list[str]], np.ndarray] | None:
    """A function embedding phrases the way the data was embedded, or None for the data's own vectors."""
    from core.embedding.models import MODELS

    if choice.model == PRECOMPUTED:
        return None
    spec = MODELS.get(choice.model)
    if spec is not None and spec.needs_corpus:
        texts = raw_dataset(choice).texts
        model = server_memos()["embedded"].get_or_make(("corpus-model", choice, emb.vectors_hash),
                                                 lambda: create_embedder(choice.model, corpus=texts))
    else:
        model = embedder(choice.model)
    return lambda phrases: model.encode(list(phrases))


def anisotropy(emb: Embedded) -> float:
    """The mean cosine between random pairs of the current vectors, computed once per vectors."""
    from core.vectors import anisotropy as mean_random_cosine

    return server_memos()["derived"].get_or_make(("anisotropy", emb.vectors_hash),
                                           lambda: mean_random_cosine(emb.dataset.vectors))
