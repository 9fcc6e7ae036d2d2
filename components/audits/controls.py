"""Shared widgets of the audit pages: model, vocabulary size, templates, word lists."""
from __future__ import annotations

import streamlit as st

from components.state import persist
from core.audits.weat_sets import split_words
from core.audits.word_sources import DEFAULT_TEMPLATES, PLACEHOLDER, check_templates
from core.audits.word_vectors import GLOVE_KEY
from core.data.glove import GLOVE_SIZE
from core.embedding.models import CUSTOM_PREFIX
from core.training.store import local_models

CUSTOM = "custom"
MODEL_LABELS = {GLOVE_KEY: "GloVe 6B 50d (word vectors)", "minilm": "all-MiniLM-L6-v2 (sentence model)",
                CUSTOM: "Another sentence-transformers model…"}
SENTENCE_WORDS_PER_S = 300  # MiniLM on 2 CPU cores, one-word texts (measured ~350/s)


def model_picker(page: str) -> str:
    """GloVe (default), MiniLM, the static and fine-tuned models made here, or another local sentence-transformers
    model."""
    labels = {**MODEL_LABELS, **{m.key: m.title for m in local_models()}}
    options = [*(k for k in labels if k != CUSTOM), CUSTOM]
    choice = st.selectbox("Model", options, format_func=labels.get,
                          **persist(f"ee_w_{page}_model", options[0], options=options))
    if choice != CUSTOM:
        return choice
    name = st.text_input("Model name or local folder", **persist(f"ee_w_{page}_custom_model", ""),
                         placeholder="sentence-transformers/all-mpnet-base-v2 or /models/my-model")
    return f"{CUSTOM_PREFIX}{name.strip()}"


def vocab_size(page: str, default: int, *, label: str = "Vocabulary: the N most frequent words",
               help: str | None = None) -> int:
    return int(st.number_input(label, 100, GLOVE_SIZE, step=5_000, help=help, **persist(f"ee_w_{page}_vocab", default)))


def templates_editor(page: str) -> tuple[str, ...]:
    """SEAT templates, one per line, shown and editable."""
    text = st.text_area(f"Templates (one per line; {PLACEHOLDER} is replaced by each word)", height=110,
                        **persist(f"ee_w_{page}_templates", "\n".join(DEFAULT_TEMPLATES)))
    return check_templates(text.splitlines())


def words_area(label: str, key: str, default: str, *, height: int = 100, help: str | None = None) -> tuple[str, ...]:
    """A word list typed with commas or one per line."""
    return split_words(st.text_area(label, height=height, help=help, **persist(key, default)))
