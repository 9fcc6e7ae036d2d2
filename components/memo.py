"""Memory shared by every session of this server process: keyed LRUs whose concurrent misses compute once,
and builds (a view's table, label positions, a figure) made once for the same inputs."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import streamlit as st

from core.hashing import hash_array

T = TypeVar("T")


class Memo:
    """A small thread-safe LRU shared by all sessions of this server process."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()
        self.making: dict[Hashable, threading.Lock] = {}  # one lock per key being computed

    def _cached(self, key: Hashable) -> tuple[bool, T | None]:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return True, self.items[key]
            return False, None

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value for `key`; concurrent callers of a missing key wait for one computation."""
        found, value = self._cached(key)
        if found:
            return value
        with self.lock:
            key_lock = self.making.setdefault(key, threading.Lock())
        with key_lock:
            found, value = self._cached(key)
            if found:
                return value
            try:
                value = make()
                self.put(key, value)
            finally:
                with self.lock:
                    self.making.pop(key, None)
        return value

    def put(self, key: Hashable, value: T) -> None:
        """Keep `value` for `key` (a computation may store a by-product for another key of this memo)."""
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.items


@st.cache_resource(show_spinner=False)
def server_memos() -> dict[str, Memo]:
    # graphs and fitted projectors can be large (100k rows): few of them; coordinates are small
    return {"embedded": Memo(8), "projection": Memo(32), "graph": Memo(4), "fitted": Memo(4),
            "derived": Memo(24), "views": Memo(12), "figures": Memo(6)}



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
