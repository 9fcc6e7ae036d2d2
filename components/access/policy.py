"""The server's policy as the pages use it: read from the environment and `.streamlit/secrets.toml`, asked before
every change to the server, and the admission of heavy work (one job per session, a cap across the server)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from core.jobs import WorkLimit
from core.paths import data_dir
from core.server.policy import ServerPolicy, model_allowed, read_policy

_log = logging.getLogger(__name__)


def _secrets() -> dict[str, Any]:
    """The secrets file's top-level values ({} when there is no secrets file)."""
    try:
        return {k: v for k, v in st.secrets.to_dict().items() if not isinstance(v, dict)}
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        return {}


def server_policy() -> ServerPolicy:
    """This server's mode, password, published maps and allowed models."""
    return read_policy(secrets=_secrets())


def can_write() -> bool:
    """Whether this server lets visitors change anything on it (False in viewer mode)."""
    return server_policy().can_write


def require_write(action: str) -> None:
    """Refuse `action` on a read-only server (raises WriteRefused, a UserError with one sentence)."""
    server_policy().require_write(action)


def link_model_allowed(model: str) -> bool:
    """Whether a link (or a read-only visitor) may name this model: see `core.server.policy.model_allowed`."""
    return model_allowed(model, models_root=data_dir() / "models", allowed=server_policy().allowed_models)


def require_servable(source: str, model: str) -> None:
    """On a read-only server, refuse data other than the built-in and published datasets, and models a link could
    not name: embedding them would write new vectors to the server's caches."""
    from components.state import PRECOMPUTED
    from core.server.published import SOURCE as PUBLISHED

    if can_write():
        return
    if source not in ("builtin", PUBLISHED):
        require_write("embed data of their own")
    if model != PRECOMPUTED and not link_model_allowed(model):
        require_write("load other models")


def read_only_stop(what: str) -> None:
    """On a read-only server, say that `what` is not offered here and stop the page."""
    if not can_write():
        st.info(f"{what} is not offered on this read-only server: it would change what the server holds.")
        st.stop()


def session_owner() -> str:
    """The id of this browser session (the owner of its heavy jobs)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


@st.cache_resource(show_spinner=False)
def work_limit() -> WorkLimit:
    """The server's admission for heavy work, shared by every session."""
    return WorkLimit()


@contextmanager
def heavy_slot(label: str) -> Iterator[None]:
    """Run a heavy block only with a place for it (raises Busy, saying why the visitor must wait, otherwise)."""
    with work_limit().slot(session_owner(), label):
        yield
