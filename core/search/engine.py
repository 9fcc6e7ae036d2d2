"""Which engine answers a search: exact numpy search over the vectors held in memory below a measured size,
Chroma's HNSW index from that size on; and the answer, which says which one it came from."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

EXACT, CHROMA = "exact", "chroma"
ENGINE_LABELS = {EXACT: "exact search (numpy)", CHROMA: "Chroma (HNSW index)"}
# Below this many vectors exact search answers: it is faster there. Measured on this machine (2 CPU cores shared
# with other work, so the 10th percentile stands for an idle machine): top-10 queries through VectorStore with the
# rows held in memory, 384-d clustered unit vectors, runs of 200 queries, p10 ms exact vs Chroma: 5,000: 1.5-2.1 vs
# 3.4-4.5; 10,000: 2.2-3.0 vs 4.2-5.5; 20,000: 2.8-3.5 vs 2.8-4.1; 25,000: 3.2-3.7 vs 3.1-3.5; 30,000: 3.4-8.2 vs
# 3.1-4.9; 50,000: 6.0-7.9 vs 3.7-4.7. Exact search grows with the rows; Chroma's index stays near 3.5 ms.
EXACT_BELOW = 25_000


@dataclass(frozen=True)
class Found:
    """A search's result table and the engine that answered it."""

    hits: pd.DataFrame
    engine: str

    @property
    def answered_by(self) -> str:
        """The engine in words, e.g. 'exact search (numpy)'."""
        return ENGINE_LABELS[self.engine]
