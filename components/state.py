"""Session-state keys and the data choice that every page shares."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.data.builtins import DEFAULT_DATASET, DEFAULT_SIZE
from core.embedding.models import DEFAULT_MODEL

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


def saved(key: str, default: Any) -> Any:
    """The value a persisted widget starts from: its last value, else `default`.

    Streamlit drops a widget's state while its page is hidden; passing this as the
    widget's default brings the value back, in the browser too.
    """
    return st.session_state.get(SAVED, {}).get(key, default)


def saved_index(key: str, options: Sequence[Any], default: int = 0) -> int:
    """The option index a persisted selectbox or radio starts from."""
    value = saved(key, None)
    return list(options).index(value) if value in options else default


def persist(key: str, default: Any, *, options: Sequence[Any] | None = None, live: bool = False) -> dict[str, Any]:
    """Keyword arguments that make a widget keep its value across pages: `st.slider(..., **persist(KEY, 15))`.

    The widget's state is seeded from its last value (else `default`, or the first option when
    `default` is not one of `options`); `live` widgets, those in fragments, also save on change.
    """
    if key not in st.session_state:
        value = saved(key, default)
        if options is not None and value not in options:
            value = default if default in options else next(iter(options), None)
        st.session_state[key] = value
    return {"key": key, "on_change": remember, "args": (key,)} if live else {"key": key}


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


