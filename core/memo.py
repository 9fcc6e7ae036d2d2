"""A keyed, thread-safe LRU whose concurrent misses of one key compute once (shared by a server's sessions)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """A small thread-safe LRU; callers missing the same key wait for a single computation."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.making: dict[Hashable, threading.Lock] = {}  # one lock per key being computed

    def _cached(self, key: Hashable) -> tuple[bool, Any]:
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

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` for `key` (a computation may store a by-product for another key of this memo)."""
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.items
