"""Which engine answers a search: exact numpy search over the vectors held in memory below a measured size,
Chroma's HNSW index from that size on; and the answer, which says which one it came from."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

EXACT, CHROMA = "exact", "chroma"
ENGINE_LABELS = {EXACT: "exact search (numpy)", CHROMA: "Chroma (HNSW index)"}
# Below this many vectors exact search answers. Measured on this machine (2 CPU cores shared with other work),
# top-10 queries through VectorStore with the vectors held in memory, 384-d clustered unit vectors, p50 ms
# exact / Chroma: MEASUREMENT.
EXACT_BELOW = 20_000


@dataclass(frozen=True)
class Found:
    """A search's result table and the engine that answered it."""

    hits: pd.DataFrame
    engine: str

    @property
    def answered_by(self) -> str:
        """The engine in words, e.g. 'exact search (numpy)'."""
        return ENGINE_LABELS[self.engine]
