"""Texts to vectors through the on-disk cache: only texts never seen before are encoded."""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.data.table import Dataset
from core.embedding.cache import EmbeddingCache
from core.embedding.models import Embedder, create_embedder, is_word_vocabulary, model_id_for
from core.embedding.static import STATIC_PREFIX, load_static
from core.embedding.windows import (
    LongTexts,
    TokenWindow,
    WindowReport,
    kept_window_report,
    token_window,
    window_report,
    window_spans,
)
from core.errors import DataError
from core.hashing import hash_texts
from core.jobs import check
from core.vectors import unit_rows

Progress = Callable[[int, int], None]
CHUNK = 256


@dataclass
class Windows:
    """The windows each text was embedded as (with chunking): character spans and one vector per window."""

    spans: list[list[tuple[int, int]]]
    vectors: np.ndarray
    starts: np.ndarray  # text i's windows are rows starts[i]:starts[i + 1] of `vectors`

    @classmethod
    def build(cls, spans: list[list[tuple[int, int]]], vectors: np.ndarray) -> Windows:
        starts = np.concatenate([[0], np.cumsum([len(s) for s in spans])]).astype(np.int64)
        return cls(spans, np.asarray(vectors, dtype=np.float32), starts)

    @property
    def total(self) -> int:
        return int(self.starts[-1])

    def of(self, row: int) -> np.ndarray:
        """The window vectors of text `row`."""
        return self.vectors[self.starts[row]:self.starts[row + 1]]

    def subset(self, keep: np.ndarray) -> Windows:
        """The windows of the kept texts only."""
        rows = np.flatnonzero(keep).tolist()
        return Windows.build([self.spans[r] for r in rows], np.concatenate([self.of(r) for r in rows])
                             if len(rows) else self.vectors[:0])

    def pooled(self) -> np.ndarray:
        """One vector per text: the mean of its windows' vectors."""
        return np.stack([self.of(r).mean(axis=0) for r in range(len(self.spans))]).astype(np.float32)


@dataclass
class EmbeddingResult:
    """Vectors for every input text (NaN rows where a text could not be embedded)."""

    vectors: np.ndarray
    model_id: str
    n_cached: int
    n_encoded: int
    report: WindowReport | None = None  # how the texts fit the model's window (windowed models)
    windows: Windows | None = None  # the windows each text was embedded as (chunking only)

    @property
    def ok(self) -> np.ndarray:
        return np.isfinite(self.vectors).all(axis=1)


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """float32 unit-length rows, the form vectors are kept in; zero and non-finite rows are left as they are."""
    return unit_rows(vectors).astype(np.float32)


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
    long_texts: LongTexts | None = None,
    cancel: threading.Event | None = None,
) -> EmbeddingResult:
    """Vectors for `texts` from `model_key`; the model is loaded only when a text is not cached.

    With `long_texts` chunking, a windowed model embeds every window of a long text and pools them.
    New vectors reach the cache chunk by chunk, so a stopped run (a set `cancel` raises Cancelled)
    keeps what it encoded and the next run encodes only the rest.
    """
    texts = list(texts)
    cache = cache if cache is not None else EmbeddingCache()  # an empty cache is falsy (__len__)
    if long_texts is not None and long_texts.chunk:
        window = token_window(model_key, get_embedder)
        if window is not None:
            return _embed_chunked(texts, model_key, window, long_texts, cache=cache, get_embedder=get_embedder,
                                  normalize=normalize, batch_size=batch_size, progress=progress, cancel=cancel)
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


def _embed_chunked(texts: list[str], model_key: str, window: TokenWindow, long_texts: LongTexts, *,
                   cache: EmbeddingCache, normalize: bool, **kwargs) -> EmbeddingResult:
    """Every window of every text embedded (cached like any text), then pooled to one vector per text."""
    # 1. split each text into windows of the model's size, at sentence ends where possible
    spans = [window_spans(t, offs, window.size, long_texts.overlap) for t, offs in zip(texts, window.offsets(texts))]
    pieces = [t[a:b] for t, text_spans in zip(texts, spans) for a, b in text_spans]
    # 2. embed the windows: a window is a text that fits, so it shares the cache with truncation
    parts = embed_texts(pieces, model_key, cache=cache, normalize=False, **kwargs)
    windows = Windows.build(spans, parts.vectors)
    # 3. pool; a model that gives unit vectors gets a unit-length mean
    pooled = windows.pooled()
    norms = np.linalg.norm(parts.vectors, axis=1)
    if len(norms) and np.allclose(norms, 1.0, atol=1e-3):
        pooled = l2_normalize(pooled)
    report = window_report(texts, window, long_texts.mode)
    return EmbeddingResult(l2_normalize(pooled) if normalize else pooled, parts.model_id, parts.n_cached,
                           parts.n_encoded, report=report, windows=windows)


def count_missing(texts: Sequence[str], model_key: str, *, cache: EmbeddingCache | None = None) -> int:
    """How many distinct texts `embed_texts` would encode (those not cached for this model)."""
    texts = list(texts)
    cache = cache if cache is not None else EmbeddingCache()
    keys = list(dict.fromkeys(hash_texts(texts, salt=model_id_for(model_key, corpus=texts))))
    return len(keys) - cache.count_present(keys)


def embed_dataset(dataset: Dataset, model_key: str, **kwargs) -> tuple[Dataset, EmbeddingResult]:
    """The dataset with vectors attached; rows that could not be embedded are excluded and reported.

    For a model with a token window, the result says how many texts ran over it and what was cut.
    Images, graphs and tables are embedded by their own kind's models (core.embedding.kinds).
    """
    from core.embedding.kinds import embedding_kind, kind_module

    kind = embedding_kind(dataset, model_key)
    if kind is not None:
        return kind_module(kind).embed(dataset, model_key, **kwargs)
    result = embed_texts(dataset.texts, model_key, **kwargs)
    if not result.ok.any():
        raise DataError("None of the texts could be embedded with this model (no known words). Try another model.")
    if result.report is None:
        result.report = kept_window_report(dataset.texts, model_key, kwargs.get("get_embedder"))
    if result.windows is not None and not result.ok.all():
        result.windows = result.windows.subset(result.ok)
    return dataset.subset(result.ok, reason="no vector (no known words)", vectors=result.vectors), result


def attach_precomputed(dataset: Dataset, *, normalize: bool = False) -> Dataset:
    """Use the dataset's own vectors, dropping non-finite rows."""
    vectors = np.asarray(dataset.require_vectors(), dtype=np.float32)
    vectors = l2_normalize(vectors) if normalize else vectors
    return dataset.subset(np.isfinite(vectors).all(axis=1), reason="NaN or inf in vector", vectors=vectors)


def coverage_note(model_key: str, texts: Sequence[str]) -> str | None:
    """For word-vector models, how much of the text the vocabulary covers, in one sentence."""
    if model_key.startswith(STATIC_PREFIX):
        return load_static(model_key).coverage_note(texts)
    if not is_word_vocabulary(model_key):
        return None
    from core.embedding.models import glove_coverage

    share, empty = glove_coverage(texts)
    note = f"{share:.1%} of the words are not in GloVe's vocabulary and were left out of the averages"
    return note + (f"; {empty:,} text(s) had no known word." if empty else ".")
