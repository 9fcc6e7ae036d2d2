"""Distance metrics between vectors, each with one sentence on when to use it, and how far they agree.

Distances, smaller is nearer: cosine = 1 - cos(q, x); dot = -q·x; l2 = squared Euclidean distance;
l1 = sum of absolute differences; hamming = bits that differ between the sign codes (one bit a dimension,
set where the value is above 0, packed eight to a byte as `quantize_embeddings(..., "ubinary")` packs them).
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from core.errors import DataError
from core.vectors import top_k, unit_rows

METRICS = ("cosine", "dot", "l2", "l1", "hamming")
METRIC_LABELS = ("Cosine", "Dot product", "L2 (Euclidean)", "L1 (Manhattan)", "Hamming (binary codes)")
WHEN_TO_USE = {
    "cosine": "The default for sentence and word models: compares directions and ignores length.",
    "dot": "For models trained with a dot-product loss, where a longer vector means a stronger match.",
    "l2": "For spaces where absolute position matters (image features, coordinates); on unit vectors it ranks "
          "exactly as cosine does.",
    "l1": "When a few large differences should weigh less than in L2, e.g. sparse or count-like features.",
    "hamming": "For binary codes: one bit a dimension, 32 times less memory, compared with a popcount.",
}
# What a search result shows for each metric: the column's name, and whether it is the distance negated (a
# similarity, larger is nearer) or the distance itself.
SCORE_NAMES = {"cosine": "cosine similarity", "dot": "dot product", "l2": "squared L2 distance",
               "l1": "L1 distance", "hamming": "Hamming distance (bits)"}
UNIT_TOLERANCE = 1e-3  # |norm - 1| below this everywhere counts as unit length
BLOCK_ROWS = 1024  # query rows per distance block
TEMP_BYTES = 64 * 2**20  # bound on the temporary array of one Hamming block


def pack_signs(vectors: np.ndarray) -> np.ndarray:
    """The sign codes of the rows: bit set where a value is above 0, packed eight to a byte (ubinary)."""
    return np.packbits(np.asarray(vectors) > 0, axis=-1)


def hamming(packed_queries: np.ndarray, packed_rows: np.ndarray) -> np.ndarray:
    """Bits that differ between each packed query code (rows) and each packed stored code (columns)."""
    q = np.atleast_2d(packed_queries)
    step = max(1, TEMP_BYTES // max(1, packed_rows.size))
    return np.concatenate([np.bitwise_count(q[s:s + step, None, :] ^ packed_rows[None, :, :]).sum(axis=-1, dtype=np.int64)
                           for s in range(0, len(q), step)]) if len(q) else np.zeros((0, len(packed_rows)), np.int64)


def distances(queries: np.ndarray, rows: np.ndarray, metric: str) -> np.ndarray:
    """Distances from each query (rows of the result) to each stored row (columns) under `metric`."""
    q = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    x = np.asarray(rows, dtype=np.float32)
    if metric == "cosine":
        return 1.0 - unit_rows(q) @ unit_rows(x).T
    if metric == "dot":
        return -(q @ x.T)
    if metric == "l2":
        return np.maximum((q * q).sum(1)[:, None] + (x * x).sum(1)[None, :] - 2.0 * (q @ x.T), 0.0)
    if metric == "l1":
        from scipy.spatial.distance import cdist

        return cdist(q, x, "cityblock")
    if metric == "hamming":
        return hamming(pack_signs(q), pack_signs(x)).astype(np.float32)
    raise DataError(f"Unknown metric '{metric}'. Available: {', '.join(METRICS)}.")


def nearest(queries: np.ndarray, rows: np.ndarray, k: int, metric: str, *,
            exclude: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k nearest stored rows per query, nearest first; `exclude[i]` (a row number, or -1 for
    none) is left out of query i's answers."""
    q = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    out = []
    for start in range(0, len(q), BLOCK_ROWS):
        dist = distances(q[start:start + BLOCK_ROWS], rows, metric).astype(np.float64)
        if exclude is not None:
            own = exclude[start:start + BLOCK_ROWS]
            hit = own >= 0
            dist[np.flatnonzero(hit), own[hit]] = np.inf
        out.append(top_k(dist, k)[0])
    return np.concatenate(out) if out else np.empty((0, k), dtype=np.int64)


def score(metric: str, distance: np.ndarray) -> np.ndarray:
    """The value a result shows under `metric` for a distance from `distances`: the similarity for cosine
    (1 - distance) and dot product (-distance), else the distance."""
    d = np.asarray(distance, dtype=np.float64)
    return 1.0 - d if metric == "cosine" else -d if metric == "dot" else d


def is_unit(vectors: np.ndarray) -> bool:
    """Whether every row has length 1 (then cosine, dot and L2 rank neighbours identically)."""
    norms = np.linalg.norm(np.asarray(vectors, dtype=np.float64), axis=1)
    return bool(len(norms)) and bool(np.all(np.abs(norms - 1.0) < UNIT_TOLERANCE))


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Mean share of neighbours two answer lists (one row per query) have in common."""
    if a.size == 0:
        return 1.0
    return float(np.mean([len(set(x) & set(y)) / len(x) for x, y in zip(a.tolist(), b.tolist())]))


def agreement(vectors: np.ndarray, *, k: int = 10, n_queries: int = 200, seed: int = 0) -> pd.DataFrame:
    """Top-k overlap between each pair of metrics (a square table, 1 on the diagonal), over a sample of rows
    used as queries, each left out of its own answers."""
    x = np.asarray(vectors, dtype=np.float32)
    if len(x) < 2:
        raise DataError(f"Comparing metrics needs at least 2 vectors; this data has {len(x)}.")
    rows = np.sort(np.random.default_rng(seed).choice(len(x), size=min(n_queries, len(x)), replace=False))
    k = min(k, len(x) - 1)
    answers = {m: nearest(x[rows], x, k, m, exclude=rows) for m in METRICS}
    table = pd.DataFrame(1.0, index=list(METRICS), columns=list(METRICS))
    for a, b in itertools.combinations(METRICS, 2):
        table.loc[a, b] = table.loc[b, a] = overlap(answers[a], answers[b])
    return table
