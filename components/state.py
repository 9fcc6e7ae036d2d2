"""Session-state keys and the data choice that every page shares."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.data.builtins import DEFAULT_DATASET, DEFAULT_SIZE
from core.data.table import Dataset
from core.embedding.kinds import is_text_kind, models_for
from core.embedding.models import DEFAULT_MODEL
from core.embedding.windows import LONG_TEXTS, OVERLAP, LongTexts

PERSIST_PREFIX = "ee_w_"  # widget keys with this prefix keep their value across pages
SAVED = "ee_saved_widgets"
ACTIVE = "ee_active_choice"
UPLOADS = "ee_uploads"
PRECOMPUTED = "precomputed"


@dataclass(frozen=True)
class DataChoice:
    """Which data and model the map shows; hashable, so it keys caches."""

    source: str = "builtin"  # "builtin" or "upload"
    dataset: str = DEFAULT_DATASET  # built-in key, or the upload's content hash
    size: int = DEFAULT_SIZE  # the row count (sized built-in datasets only)
    model: str = DEFAULT_MODEL  # registry key, "st:<name>", or PRECOMPUTED
    long_texts: str = LONG_TEXTS.default  # what texts longer than the model's window become
    overlap: int = OVERLAP.default  # tokens shared by neighbouring windows, with chunking
    options: tuple[tuple[str, Any], ...] = ()  # a kind's model settings, as (keyword, hashable value) pairs

    @property
    def embed_options(self) -> dict[str, Any]:
        """The keywords `embed_dataset` gets beside the model (e.g. a graph model's settings)."""
        return dict(self.options)

    def __post_init__(self) -> None:
        object.__setattr__(self, "overlap", self.long.overlap)  # truncation ignores it: one cache key

    @property
    def long(self) -> LongTexts:
        return LongTexts(self.long_texts, self.overlap)


def vector_sources(dataset: Dataset, text_models: Sequence[str]) -> list[str]:
    """Where the data's vectors can come from: its own vectors first when it has them, then `text_models` when its
    rows are texts worth embedding, then the models of its own kind (images, graphs, tables)."""
    own = [PRECOMPUTED] if dataset.vectors is not None else []
    text = list(text_models) if is_text_kind(dataset) else []
    return [*own, *text, *models_for(dataset)]


def saved(key: str, default: Any) -> Any:
    """The last value of a persisted widget, else `default` (for reading it where the widget is not shown)."""
    return st.session_state.get(SAVED, {}).get(key, default)


def saved_index(key: str, options: Sequence[Any], default: int = 0) -> int:
    """The option index a persisted selectbox or radio starts from."""
    value = saved(key, None)
    return list(options).index(value) if value in options else default


def persist(key: str, default: Any, *, options: Sequence[Any] | None = None, live: bool = False) -> dict[str, Any]:
    """Keyword arguments that make a widget keep its value across pages: `st.slider(..., **persist(KEY, 15))`.

    The widget's state is seeded from its last value (else `default`); with `options`, a value the
    widget cannot show gives way to `default` (or the first option), and a list keeps only its
    items among them. `live` widgets, those in fragments, also save on change.
    """
    if key not in st.session_state:
        st.session_state[key] = _showable(saved(key, default), default, options)
    return {"key": key, "on_change": remember, "args": (key,)} if live else {"key": key}


def _showable(value: Any, default: Any, options: Sequence[Any] | None) -> Any:
    """`value` as far as a widget with these options can show it."""
    if options is None:
        return value
    if isinstance(value, list):
        return [v for v in value if v in options]
    if value in options:
        return value
    return default if default in options else next(iter(options), None)


def save_widget_state() -> None:
    """Remember the current value of every persisted widget."""
    saved = st.session_state.setdefault(SAVED, {})
    saved.update({k: v for k, v in st.session_state.items() if str(k).startswith(PERSIST_PREFIX)})


def remember(key: str) -> None:
    """on_change callback for widgets in fragments, whose reruns skip the router."""
    st.session_state.setdefault(SAVED, {})[key] = st.session_state[key]


def forget(key: str) -> None:
    """Drop a widget's value so it starts again from its default."""
    st.session_state.pop(key, None)
    st.session_state.setdefault(SAVED, {}).pop(key, None)


def active_choice() -> DataChoice:
    """The data choice in force (the Lee sentences with MiniLM until the user picks another)."""
    return st.session_state.setdefault(ACTIVE, DataChoice())


def set_active_choice(choice: DataChoice) -> None:
    st.session_state[ACTIVE] = choice


