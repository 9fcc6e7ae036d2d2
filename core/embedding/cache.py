"""An on-disk vector cache keyed by content hash, so a restart does not re-encode."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from core.paths import data_dir

_CHUNK = 900  # stays below SQLite's bound-parameter limit


class EmbeddingCache:
    """Maps content keys (text hash salted with model and settings) to float32 vectors."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else data_dir() / "embeddings.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get_many(self, keys: Sequence[str], dim: int | None = None) -> dict[str, np.ndarray]:
        """The cached vectors for the keys that are present (and of `dim`, if given)."""
        found: dict[str, np.ndarray] = {}
        with closing(self._connect()) as db:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start:start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                for key, d, blob in db.execute(f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", chunk):
                    if dim is None or d == dim:
                        found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def count_present(self, keys: Sequence[str]) -> int:
        """How many of the keys are cached (without reading their vectors)."""
        total = 0
        with closing(self._connect()) as db:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start:start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                total += db.execute(f"SELECT COUNT(*) FROM vectors WHERE key IN ({marks})", chunk).fetchone()[0]
        return int(total)

    def put_many(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store one vector per key in a single transaction."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        rows = [(k, vectors.shape[1], v.tobytes()) for k, v in zip(keys, vectors)]
        with closing(self._connect()) as db, db:
            db.executemany("INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)", rows)

    def __len__(self) -> int:
        with closing(self._connect()) as db:
            return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
