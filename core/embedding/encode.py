"""Texts to vectors through the on-disk cache: only texts never seen before are encoded."""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.data.table import Dataset
from core.embedding.cache import EmbeddingCache
from core.embedding.models import Embedder, create_embedder, is_word_vocabulary, model_id_for
from core.errors import DataError
from core.hashing import hash_texts
from core.jobs import check

Progress = Callable[[int, int], None]
CHUNK = 256


@dataclass
class EmbeddingResult:
    """Vectors for every input text (NaN rows where a text could not be embedded)."""

    vectors: np.ndarray
    model_id: str
    n_cached: int
    n_encoded: int

    @property
    def ok(self) -> np.ndarray:
        return np.isfinite(self.vectors).all(axis=1)


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Unit-length rows; zero and non-finite rows are left as they are."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    good = np.isfinite(norms) & (norms > 0)
    return np.where(good, vectors / np.where(good, norms, 1), vectors).astype(np.float32)


def _encode_missing(embedder: Embedder, texts: Sequence[str], batch_size: int, progress: Progress | None,
                    store: Callable[[list[int], np.ndarray], None], cancel: threading.Event | None) -> np.ndarray:
    """Encode longest-first in chunks (less padding per batch), storing each chunk as soon as it is done.

    A stop between chunks (a set `cancel`, or `progress` raising) keeps every finished chunk.
    """
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(order), CHUNK):
        check(cancel)
        idx = order[start:start + CHUNK]
        out[idx] = embedder.encode([texts[i] for i in idx], batch_size=batch_size)
        store(idx, out[idx])
        if progress:
            progress(min(start + CHUNK, len(order)), len(order))
    return out


def embed_texts(
    texts: Sequence[str],
    model_key: str,
    *,
    cache: EmbeddingCache | None = None,
    get_embedder: Callable[[], Embedder] | None = None,
    normalize: bool = True,
    batch_size: int = 64,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> EmbeddingResult:
    """Vectors for `texts` from `model_key`; the model is loaded only when a text is not cached.

    New vectors reach the cache chunk by chunk, so a stopped run (a set `cancel` raises Cancelled)
    keeps what it encoded and the next run encodes only the rest.
    """
    texts = list(texts)
    cache = cache if cache is not None else EmbeddingCache()  # an empty cache is falsy (__len__)
    model_id = model_id_for(model_key, corpus=texts)
    # 1. key each text by content and model, and take what the cache has
    keys = hash_texts(texts, salt=model_id)
    found = cache.get_many(list(dict.fromkeys(keys)))
    n_cached = sum(k in found for k in keys)
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    # 2. encode only the texts never seen with this model
    if missing:
        first_text = {k: t for k, t in zip(keys, texts)}
        embedder = get_embedder() if get_embedder else create_embedder(model_key, corpus=texts)

        def store(idx: list[int], vecs: np.ndarray) -> None:
            cache.put_many([missing[i] for i in idx], vecs)

        new = _encode_missing(embedder, [first_text[k] for k in missing], batch_size, progress, store, cancel)
        found.update(zip(missing, new))
    # 3. assemble in input order
    vectors = np.stack([found[k] for k in keys]) if texts else np.empty((0, 0), np.float32)
    return EmbeddingResult(l2_normalize(vectors) if normalize else vectors, model_id,
                           n_cached=n_cached, n_encoded=len(missing))


def count_missing(texts: Sequence[str], model_key: str, *, cache: EmbeddingCache | None = None) -> int:
    """How many distinct texts `embed_texts` would encode (those not cached for this model)."""
    texts = list(texts)
    cache = cache if cache is not None else EmbeddingCache()
    keys = list(dict.fromkeys(hash_texts(texts, salt=model_id_for(model_key, corpus=texts))))
    return len(keys) - cache.count_present(keys)


def embed_dataset(dataset: Dataset, model_key: str, **kwargs) -> tuple[Dataset, EmbeddingResult]:
    """The dataset with vectors attached; rows that could not be embedded are excluded and reported."""
    result = embed_texts(dataset.texts, model_key, **kwargs)
    if not result.ok.any():
        raise DataError("None of the texts could be embedded with this model (no known words). Try another model.")
    return dataset.subset(result.ok, reason="no vector (no known words)", vectors=result.vectors), result


def attach_precomputed(dataset: Dataset, *, normalize: bool = False) -> Dataset:
    """Use the dataset's own vectors, dropping non-finite rows."""
    if dataset.vectors is None:
        raise DataError("This dataset has no vectors of its own; choose a model to embed its texts.")
    vectors = np.asarray(dataset.vectors, dtype=np.float32)
    vectors = l2_normalize(vectors) if normalize else vectors
    return dataset.subset(np.isfinite(vectors).all(axis=1), reason="NaN or inf in vector", vectors=vectors)


def coverage_note(model_key: str, texts: Sequence[str]) -> str | None:
    """For word-vector models, how much of the text the vocabulary covers, in one sentence."""
    if not is_word_vocabulary(model_key):
        return None
    from core.embedding.models import glove_coverage

    share, empty = glove_coverage(texts)
    note = f"{share:.1%} of the words are not in GloVe's vocabulary and were left out of the averages"
    return note + (f"; {empty:,} text(s) had no known word." if empty else ".")
