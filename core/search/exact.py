"""Exact (brute-force) nearest neighbours in numpy: the oracle every index is checked against.

Distances follow Chroma's (hnswlib's) definitions, so they can be compared number for number:
cosine = 1 - cos(q, x), l2 = squared Euclidean distance, ip = 1 - q·x. Exact search also knows
dot (-q·x, core.distances'), l1 (sum of absolute differences) and hamming (sign bits that differ), which Chroma
has no index for. Each store space ranks as one of the metrics the other pickers offer (`SAME_RANKS`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from core.distances import distances
from core.search.results import hit_records, result_frame
from core.vectors import cosine, top_k, unit_rows

METRICS = ("cosine", "l2", "ip")  # Chroma's spaces
EXACT_METRICS = METRICS + ("dot", "l1", "hamming")
SAME_RANKS = {"cosine": "cosine", "l2": "l2", "ip": "dot"}  # each store space and the metric that ranks as it does
TIE_TOLERANCE = 1e-5


class ExactIndex:
    """Stored vectors, kept once as stored, prepared once (inverse norms for cosine, squared norms for l2) for
    repeated exact search."""

    def __init__(self, matrix: np.ndarray, metric: str) -> None:
        if metric not in EXACT_METRICS:
            raise ValueError(f"Unknown metric '{metric}'. Available: {', '.join(EXACT_METRICS)}.")
        self.metric = metric
        self.rows = x = np.asarray(matrix, dtype=np.float32)  # as stored: an index under another metric shares it
        norms = np.linalg.norm(x, axis=1)
        # zero and non-finite rows are left as they are, as unit_rows leaves them
        self.inv_norms = 1.0 / np.where(np.isfinite(norms) & (norms > 0), norms, 1) if metric == "cosine" else None
        self.sq_norms = (x * x).sum(axis=1) if metric == "l2" else None

    def distances(self, queries: np.ndarray) -> np.ndarray:
        """Distances from each query (rows) to each stored vector (columns), Chroma's definitions."""
        q = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        if self.metric == "cosine":
            assert self.inv_norms is not None  # kept for cosine
            return 1.0 - (unit_rows(q) @ self.rows.T) * self.inv_norms[None, :]
        if self.metric == "ip":
            return 1.0 - q @ self.rows.T
        if self.metric in ("dot", "l1", "hamming"):
            return distances(q, self.rows, self.metric).astype(np.float32)
        assert self.sq_norms is not None  # kept for l2
        return np.maximum((q * q).sum(1)[:, None] + self.sq_norms[None, :] - 2.0 * (q @ self.rows.T), 0.0)

    def search(self, queries: np.ndarray, *, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(row indices, distances) of the k nearest stored vectors per query, nearest first."""
        return top_k(self.distances(queries), k)


@dataclass
class Snapshot:
    """A collection's rows read into memory, with an exact index over its vectors."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    index: ExactIndex | None
    others: dict[str, ExactIndex] = field(default_factory=dict)

    def index_for(self, metric: str | None) -> ExactIndex | None:
        """The exact index under `metric` (None: the collection's own), prepared once."""
        if self.index is None or metric is None or metric == self.index.metric:
            return self.index
        if metric not in self.others:
            self.others[metric] = ExactIndex(self.index.rows, metric)
        return self.others[metric]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Row of each id."""
        return {row_id: row for row, row_id in enumerate(self.ids)}

    def mask(self, ids: Iterable[str]) -> np.ndarray:
        """True for the rows whose id is among `ids` (ids not held here are ignored)."""
        allowed = np.zeros(len(self.ids), dtype=bool)
        allowed[[self.positions[i] for i in ids if i in self.positions]] = True
        return allowed

    def search(self, queries: np.ndarray, *, k: int, allowed: np.ndarray | None = None,
               metric: str | None = None) -> pd.DataFrame:
        """Exact top-k under `metric` (None: the collection's own; among the `allowed` rows, if given), as the same
        table `VectorStore.query` returns, its distances those of `metric`."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        index = self.index_for(metric)
        if index is None or k <= 0 or (allowed is not None and not allowed.any()):
            return result_frame([])
        dist = index.distances(queries)
        if allowed is not None:
            dist[:, ~allowed] = np.inf
        k = min(int(k), len(self.ids) if allowed is None else int(allowed.sum()))
        idx, top = top_k(dist, k)
        records = []
        for qi, (rows, row_dist) in enumerate(zip(idx, top)):
            sims = cosine(queries[qi], index.rows[rows])
            records += hit_records(qi, [self.ids[r] for r in rows], row_dist, sims, [self.texts[r] for r in rows],
                                   [self.metadatas[r] for r in rows])
        return result_frame(records)


def recall_at_k(found_ids: Sequence[str], exact_ids: Sequence[str], *, found_distances: Sequence[float] = (),
                exact_distances: Sequence[float] = ()) -> float:
    """Share of the exact top-k that the index returned; with distances, exact ties count as hits.

    A returned item that is not in the exact list but lies no farther than the exact k-th
    neighbour (a tie) is as correct as the one it displaced.
    """
    if len(exact_ids) == 0:
        return 1.0
    exact = set(exact_ids)
    hits = sum(i in exact for i in found_ids)
    if len(found_distances) and len(exact_distances):
        limit = float(exact_distances[-1]) + TIE_TOLERANCE * max(1.0, abs(float(exact_distances[-1])))
        hits += sum(i not in exact and float(d) <= limit for i, d in zip(found_ids, found_distances))
    return min(1.0, hits / len(exact_ids))
