"""The Chroma side of the caching seam: one client per server process, and what searches reuse."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components import seam
from components.memo import server_memos
from components.state import PRECOMPUTED, DataChoice
from core.embedding.models import MODELS, Embedder, create_embedder, model_id_for
from core.search.client import default_path, open_client, server_address
from core.search.records import collection_name, frame_metadata, row_ids
from core.search.store import VectorStore


@dataclass(frozen=True)
class IndexTarget:
    """The collection that holds the current data for one metric, and how its vectors were made."""

    name: str
    dataset: str
    model_id: str
    model_key: str
    metric: str


def _secret(key: str) -> str | None:
    """A value from .streamlit/secrets.toml, or None when there is no such file or key."""
    try:
        value = st.secrets.get(key)
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        return None
    return None if value in (None, "") else str(value)


def server_setting() -> tuple[str, int] | None:
    """The Chroma server to use: CHROMA_HOST/CHROMA_PORT from secrets.toml, else the environment."""
    return server_address(_secret("CHROMA_HOST"), _secret("CHROMA_PORT"))


@st.cache_resource(show_spinner=False)
def _store(path: str | None, host: str | None, port: int | None) -> VectorStore:
    """One Chroma client per (path or server) per server process: PersistentClient is not process-safe."""
    if host:
        return VectorStore(open_client(host=host, port=port), location=f"Chroma server at {host}:{port}")
    folder = Path(path) if path else default_path()
    return VectorStore(open_client(folder), path=folder)


def vector_store() -> VectorStore:
    """The store this app process uses (a server when one is configured, else the embedded one)."""
    server = server_setting()
    if server:
        return _store(None, server[0], server[1])
    return _store(str(default_path()), None, None)


def index_target(choice: DataChoice, emb: seam.Embedded, metric: str) -> IndexTarget:
    """Name and provenance of the collection for the current data, model and metric."""
    dataset = emb.dataset.name
    if choice.source == "upload":
        dataset = f"{dataset}-{choice.dataset[:8]}"  # two uploads with one file name stay apart
    if choice.model == PRECOMPUTED:
        model_id = f"{PRECOMPUTED}:{dataset}"
    else:
        spec = MODELS.get(choice.model)
        corpus = seam.raw_dataset(choice).texts if spec is not None and spec.needs_corpus else None
        model_id = model_id_for(choice.model, corpus=corpus)
    suffix = choice.long.suffix if emb.windows is not None else ""  # chunked vectors get their own collection
    return IndexTarget(collection_name(dataset, model_id + suffix, metric), dataset, model_id, choice.model, metric)


@st.cache_resource(show_spinner=False, max_entries=8)
def _row_lookup(key: tuple, _emb: seam.Embedded) -> dict[str, int]:
    dataset = _emb.dataset
    return {row_id: row for row, row_id in enumerate(row_ids(dataset.texts, metadata_rows(_emb)))}


def row_lookup(choice: DataChoice, emb: seam.Embedded) -> dict[str, int]:
    """Stored id -> row of the current dataset (ids come from each row's text and metadata)."""
    return _row_lookup((choice, emb.vectors_hash), emb)


def metadata_rows(emb: seam.Embedded) -> list[dict]:
    """The dataset's metadata as Chroma will store it."""
    return frame_metadata(emb.dataset.frame, emb.dataset.text_column)


def query_embedder(choice: DataChoice, emb: seam.Embedded) -> Embedder:
    """The model that embeds a query text the way the current data was embedded (one per server process)."""
    spec = MODELS.get(choice.model)
    if spec is None or not spec.needs_corpus:
        return seam.embedder(choice.model)

    def fit() -> Embedder:
        with st.spinner(f"Fitting {spec.title} to embed the query…"):
            return create_embedder(choice.model, corpus=seam.raw_dataset(choice).texts)

    # the key phrase_embedder (components/seam.py) uses: the map's custom axes and the search share one fit
    return server_memos()["embedded"].get_or_make(("corpus-model", choice, emb.vectors_hash), fit)


def store_env_note() -> str:
    """Where the settings for the store come from, for the page's help text."""
    if _secret("CHROMA_HOST") or _secret("CHROMA_PORT"):
        return "server from .streamlit/secrets.toml"
    if os.environ.get("CHROMA_HOST") or os.environ.get("CHROMA_PORT"):
        return "server from CHROMA_HOST/CHROMA_PORT"
    return "embedded store (set CHROMA_HOST/CHROMA_PORT to use a server)"
