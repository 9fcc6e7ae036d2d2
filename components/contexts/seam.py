"""What the word-in-context view computes once: the token model, the anisotropy baseline, the suggestions."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from components import seam
from components.state import PRECOMPUTED, DataChoice
from core.contexts.tokens import TokenEncoder, token_encoder
from core.embedding.models import CUSTOM_PREFIX, DEFAULT_MODEL, MODELS, model_id_for, sentence_base
from core.jobs import seconds_left

SENTENCES_PER_S = 100  # texts encoded per second on 2 CPU cores, for time estimates


def context_model(choice: DataChoice) -> str:
    """The sentence-transformers model of the current data, else the default sentence model."""
    key = choice.model
    spec = MODELS.get(key)
    if key.startswith(CUSTOM_PREFIX) or (key != PRECOMPUTED and spec is not None and not spec.needs_corpus
                                         and not spec.word_vocabulary):
        return sentence_base(key)
    return sentence_base(DEFAULT_MODEL)


def encoder(model_key: str) -> TokenEncoder:
    """The loaded model, seen token by token."""
    return token_encoder(seam.embedder(model_key))


@st.cache_resource(show_spinner=False, max_entries=16)
def _baseline(model_key: str, corpus_id: str, _texts: tuple[str, ...]) -> float:
    from core.contexts.analysis import anisotropy_baseline

    return anisotropy_baseline(encoder(model_key), _texts, model_id=model_id_for(model_key))


def baseline(model_key: str, corpus_id: str, texts: Sequence[str]) -> float:
    """The model's mean cosine between random token vectors of these texts (memory, then disk cache)."""
    from core.contexts.analysis import BASELINE_TEXTS

    with st.spinner(f"Measuring the model's anisotropy on random tokens of {min(len(texts), BASELINE_TEXTS)} texts…"):
        return _baseline(model_key, corpus_id, tuple(texts))


def progress_tick(label: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """(tick(done, total), close()) for a progress bar that says how long is left."""
    bar, started = st.progress(0.0, text=label), time.monotonic()

    def tick(done: int, total: int) -> None:
        left = seconds_left(time.monotonic() - started, done, total)
        left = total / SENTENCES_PER_S if left is None else left
        bar.progress(done / max(total, 1), text=f"{label} {done:,} of {total:,} texts, about {left:.0f} s left")

    return tick, bar.empty


def ambiguity(model_key: str, texts: Sequence[str]) -> pd.DataFrame:
    """The candidate words with their self-similarity (disk-cached), with a progress bar when computed."""
    from core.contexts.suggestions import ambiguity_table

    tick, close = progress_tick("Embedding sample contexts of frequent words:")
    try:
        return ambiguity_table(encoder(model_key), texts, model_id=model_id_for(model_key), progress=tick)
    finally:
        close()


@st.cache_resource(show_spinner=False, max_entries=1)
def _glove():
    from core.audits.word_vectors import glove_word_vectors
    from core.contexts.static import GLOVE_VOCAB

    return glove_word_vectors(GLOVE_VOCAB)


def static_sides(word: str) -> list:
    """(space, the word among its nearest words) for GloVe and each static word model trained here; None where the
    space lacks the word."""
    from core.contexts.static import static_neighbours
    from core.errors import ModelLoadError

    sides = []
    try:
        sides.append(("GloVe", static_neighbours(word, wv=_glove())))
    except ModelLoadError:
        pass
    for key, title in _trained_static_spaces():
        sides.append((title, static_neighbours(word, wv=_static_space(key), space=title)))
    return sides


def _trained_static_spaces() -> list[tuple[str, str]]:
    from core.embedding.models import is_word_vocabulary
    from core.training.store import local_models

    return [(m.key, m.title) for m in local_models() if m.key.startswith("static:") and is_word_vocabulary(m.key)]


@st.cache_resource(show_spinner=False, max_entries=4)
def _static_space(key: str):
    from core.audits.word_vectors import word_space

    return word_space(key)
