"""A user's question as a query vector and filters: text through the collection's model, an uploaded vector,
metadata filters in Chroma's `where` language."""
from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.embedding.encode import embed_texts, l2_normalize
from core.embedding.models import MODELS, Embedder, create_embedder
from core.errors import UserError
from core.search.records import clean_value

PRECOMPUTED = "precomputed"


def embed_query(text: str, model_key: str, *, corpus: Sequence[str] | None = None,
                get_embedder: Callable[[], Embedder] | None = None) -> tuple[np.ndarray, str]:
    """(unit-length vector, model id) for a query text, embedded like the collection's rows were.

    Models fitted on a corpus (TF-IDF + SVD) need that corpus to embed a query the same way.
    """
    text = (text or "").strip()
    if not text:
        raise UserError("Type something to search for.")
    if model_key == PRECOMPUTED or not model_key:
        raise UserError("This collection holds vectors that came with the data, not from a model, so a text cannot "
                        "be embedded the same way. Search with a vector instead (a point or a vector file on the Search page, "
                        "--vector on the command line).")
    spec = MODELS.get(model_key)
    if spec is not None and spec.needs_corpus:
        return _embed_with_corpus_model(text, model_key, corpus, get_embedder)
    result = embed_texts([text], model_key, get_embedder=get_embedder)
    if not result.ok.all():
        raise UserError(f"'{text}' could not be embedded with this model (no word it knows). Try other words.")
    return result.vectors[0], result.model_id


def _embed_with_corpus_model(text: str, model_key: str, corpus: Sequence[str] | None,
                             get_embedder: Callable[[], Embedder] | None) -> tuple[np.ndarray, str]:
    if get_embedder is None and not corpus:
        raise UserError("This collection's model (TF-IDF + SVD) is fitted on its own texts; search it from the "
                        "Search page with the same data loaded, or with a vector.")
    embedder = get_embedder() if get_embedder else create_embedder(model_key, corpus=corpus)
    vector = embedder.encode([text])
    if not np.isfinite(vector).all():
        raise UserError(f"None of the words in '{text}' occur in this corpus, so TF-IDF cannot place it.")
    return l2_normalize(vector)[0], embedder.model_id


def read_vector(data: bytes, filename: str) -> np.ndarray:
    """One query vector from a .npy file (no pickles) or a JSON array."""
    name = filename.lower()
    try:
        if name.endswith(".npy"):
            array = np.load(io.BytesIO(data), allow_pickle=False)
        else:
            array = np.asarray(json.loads(data.decode("utf-8")), dtype=np.float32)
    except (ValueError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise UserError(f"{filename} is not a vector: give a .npy file or a JSON array of numbers ({exc}).") from None
    array = np.asarray(array, dtype=np.float32)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1 or array.size == 0:
        raise UserError(f"{filename} holds an array of shape {array.shape}; give exactly one vector (one row).")
    if not np.isfinite(array).all():
        raise UserError(f"{filename} contains NaN or infinity.")
    return array


def parse_where(text: str | None) -> dict | None:
    """A `where` filter from JSON text, e.g. '{"source": "test"}'; None when empty."""
    if not text or not text.strip():
        return None
    try:
        where = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"The filter is not valid JSON ({exc.msg}); e.g. '{{\"source\": \"test\"}}'.") from None
    if not isinstance(where, dict) or not where:
        raise UserError("The filter must be a JSON object such as {\"source\": \"test\"}.")
    return where


def contains(text: str | None) -> dict | None:
    """A `where_document` filter keeping rows whose text contains `text` (case-sensitive, as in Chroma)."""
    return {"$contains": text} if text and text.strip() else None


def values_filter(column: str, values: Sequence[Any]) -> dict | None:
    """Rows whose `column` is one of `values` (typed as they were stored)."""
    clean = [v for v in (clean_value(x) for x in values) if v is not None]
    if not clean:
        return None
    return {column: clean[0]} if len(clean) == 1 else {column: {"$in": clean}}


def range_filter(column: str, low: float, high: float) -> dict:
    """Rows whose numeric `column` lies in [low, high]."""
    return {"$and": [{column: {"$gte": float(low)}}, {column: {"$lte": float(high)}}]}
