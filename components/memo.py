"""Memory shared by every session of this server process: keyed LRUs whose concurrent misses compute once,
and builds (a view's table, label positions, a figure) made once for the same inputs."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import streamlit as st

from core.hashing import hash_array
from core.memo import Memo

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def server_memos() -> dict[str, Memo]:
    """Vectors, other per-dataset results and shared builds (the map's steps live in the map service)."""
    return {"embedded": Memo(8), "derived": Memo(24), "views": Memo(12), "figures": Memo(6)}



PLAIN = (str, bytes, int, float, bool, type(None))


def _input_key(value: object) -> Hashable:
    """What stands for one input of a shared build: arrays and plain values by content (hashing a map's
    coordinates or row numbers takes microseconds), anything else by identity: tables, lists and mappings
    handed out by the seam are the same objects in every session, and the entry holds them alive."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return "array", hash_array(value)
    if isinstance(value, tuple):
        return "tuple", tuple(map(_input_key, value))
    return value if isinstance(value, PLAIN) else ("object", id(value))


def _shared(memo: str, build: Callable[..., T], args: tuple, kwargs: dict) -> T:
    inputs = (*args, *sorted(kwargs.items()))
    key = (build.__module__, build.__qualname__, _input_key(inputs))
    # the entry keeps its inputs: while it lives, no other object can take an identity in its key
    return server_memos()[memo].get_or_make(key, lambda: (inputs, build(*args, **kwargs)))[1]


def shared_view(build: Callable[..., T], *args, **kwargs) -> T:
    """`build(*args, **kwargs)` made once per server for the same inputs (see `_input_key`): a view's table or
    label positions, read by every session that shows it, so neither it nor its inputs may be changed."""
    return _shared("views", build, args, kwargs)


def shared_figure(build: Callable[..., T], *args, **kwargs) -> T:
    """Like `shared_view`, for figures (fewer are kept: a large map's figure is large). Every session viewing
    the same map gets the same figure, so it must not be changed after it is built."""
    return _shared("figures", build, args, kwargs)
