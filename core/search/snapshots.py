"""Collections' rows held in memory for exact search, read again only when a collection changes."""
from __future__ import annotations

import threading
from typing import Any

from core.search import reading
from core.search.collection_info import CollectionInfo
from core.search.exact import ExactIndex, Snapshot

KEPT = 4  # collections whose rows stay in memory at once


class HeldSnapshots:
    """The last few collections' rows, each kept while the collection is the same one and unchanged: our ingest
    stamps `updated_at` on every write, and a collection made again has a new id."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._held: dict[str, tuple[tuple[str, str], Snapshot]] = {}
        self._lock = threading.Lock()

    def get(self, collection: Any, info: CollectionInfo) -> Snapshot:
        """The collection's rows, from memory when they were read since its last change."""
        key = (str(collection.id), str(info.updated_at))
        held = self._held.get(info.name)
        if held is not None and held[0] == key and info.updated_at is not None:
            return held[1]
        ids, matrix, texts, metas = reading.read_rows(collection, None, None)
        snap = Snapshot(ids, texts, metas, ExactIndex(matrix, info.metric) if len(ids) else None)
        with self._lock:
            self._held.pop(info.name, None)
            while len(self._held) >= self.kept:
                self._held.pop(next(iter(self._held)))
            self._held[info.name] = (key, snap)
        return snap

    def forget(self, name: str) -> None:
        """Drop a collection's rows (it was deleted)."""
        with self._lock:
            self._held.pop(name, None)
