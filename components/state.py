"""Session-state keys and the data choice that every page shares."""
from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from core.datasets import DEFAULT_DATASET
from core.models import DEFAULT_MODEL

PERSIST_PREFIX = "ee_w_"  # widget keys with this prefix keep their value across pages
ACTIVE = "ee_active_choice"
UPLOADS = "ee_uploads"
PRECOMPUTED = "precomputed"


@dataclass(frozen=True)
class DataChoice:
    """Which data and model the map shows; hashable, so it keys caches."""

    source: str = "builtin"  # "builtin" or "upload"
    dataset: str = DEFAULT_DATASET  # built-in key, or the upload's content hash
    size: int = 5000  # how many GloVe words (glove-words only)
    model: str = DEFAULT_MODEL  # registry key, "st:<name>", or PRECOMPUTED


def keep_widget_state() -> None:
    """Re-assign persisted widget values so Streamlit keeps them while their page is not shown."""
    for key in list(st.session_state.keys()):
        if str(key).startswith(PERSIST_PREFIX):
            st.session_state[key] = st.session_state[key]


def active_choice() -> DataChoice:
    """The data choice in force (the Lee sentences with MiniLM until the user picks another)."""
    return st.session_state.setdefault(ACTIVE, DataChoice())


def set_active_choice(choice: DataChoice) -> None:
    st.session_state[ACTIVE] = choice


def with_model(choice: DataChoice, model: str) -> DataChoice:
    return replace(choice, model=model)
