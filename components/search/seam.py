"""The Chroma side of the caching seam: one client per server process, and what searches reuse."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components import seam
from components.search.ownership import upload_dataset
from components.state import PRECOMPUTED, DataChoice
from core.data.table import Dataset
from core.embedding.kinds import embedding_kind, kind_module
from core.embedding.models import MODELS, model_id_for
from core.errors import UserError
from core.search.client import default_path, open_client, server_address
from core.search.records import collection_name, frame_metadata, row_ids
from core.search.store import VectorStore

_log = logging.getLogger(__name__)
STORE_UNAVAILABLE = ("The search store cannot be opened just now. Try again in a moment; if this lasts, tell whoever "
                     "runs this app (the server's log says why).")


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
    """One Chroma client per (path or server) per server process: PersistentClient is not process-safe.
    Its location is said in words: the server's address and the folder are for the log."""
    if host:
        return VectorStore(open_client(host=host, port=port), location="Chroma server")
    folder = Path(path) if path else default_path()
    return VectorStore(open_client(folder), path=folder, location="embedded store")


def vector_store() -> VectorStore:
    """The store this app process uses (a server when one is configured, else the embedded one).

    When it cannot be opened (held by another process, a server out of reach), visitors get a sentence and the
    log gets the reason, with the paths and settings only whoever runs the app can change.
    """
    try:
        server = server_setting()
        if server:
            return _store(None, server[0], server[1])
        return _store(str(default_path()), None, None)
    except UserError as err:
        _log.warning("The search store could not be opened: %s", err)
        raise UserError(STORE_UNAVAILABLE) from None


def index_target(choice: DataChoice, emb: seam.Embedded, metric: str) -> IndexTarget:
    """Name and provenance of the collection for the current data, model and metric."""
    dataset = emb.dataset.name
    if choice.source == "upload":
        dataset = upload_dataset(choice.dataset)  # by content: a file name never shows in the shared store
    if choice.model == PRECOMPUTED:
        model_id = f"{PRECOMPUTED}:{dataset}"
    elif embedding_kind(emb.dataset, choice.model) is not None:
        model_id = kind_model_id(emb.dataset, choice.model)
    else:
        spec = MODELS.get(choice.model)
        corpus = seam.raw_dataset(choice).texts if spec is not None and spec.needs_corpus else None
        model_id = model_id_for(choice.model, corpus=corpus)
    suffix = choice.long.suffix if emb.windows is not None else ""  # chunked vectors get their own collection
    return IndexTarget(collection_name(dataset, model_id + suffix, metric), dataset, model_id, choice.model, metric)


def kind_model_id(dataset: Dataset, model_key: str) -> str:
    """The id of a non-text model (its kind module's `model_id`, where it has one, else its key)."""
    module = kind_module(embedding_kind(dataset, model_key) or dataset.kind)
    return module.model_id(model_key) if hasattr(module, "model_id") else model_key


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


def store_env_note() -> str:
    """What the store is, in words, for the page's help text."""
    if server_setting():
        return "shared by every app that uses this Chroma server"
    return "kept with this app on its server; collections stay until they are deleted here"
