"""Vector algebra shared by every room: unit rows, cosine, top-k, projection and neutralising."""
from __future__ import annotations

import numpy as np


def unit_rows(vectors: np.ndarray, dtype: type | None = None) -> np.ndarray:
    """Each row (last axis) scaled to unit length; zero and non-finite (NaN, inf) rows are left as they are."""
    vectors = np.asarray(vectors, dtype=dtype)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(np.isfinite(norms) & (norms > 0), norms, 1)


def cosine(queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine similarity of one query with each row (1-D), or of paired rows."""
    return (unit_rows(np.atleast_2d(queries)) * unit_rows(np.atleast_2d(rows))).sum(axis=1)


def top_k(dist: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of the k smallest values per row, smallest first; ties by column."""
    k = max(0, min(int(k), dist.shape[1]))
    if k == 0:
        return np.empty((len(dist), 0), dtype=np.int64), np.empty((len(dist), 0), dtype=np.float32)
    full = k == dist.shape[1]
    part = np.tile(np.arange(k), (len(dist), 1)) if full else np.argpartition(dist, k - 1, axis=1)[:, :k]
    part_dist = np.take_along_axis(dist, part, axis=1)
    order = np.lexsort((part, part_dist))  # by distance, then by column, so ties are stable
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(part_dist, order, axis=1)


def project_onto(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Cosine of each row with the direction (its projection once both are unit length)."""
    return unit_rows(vectors, np.float64) @ unit_rows(direction, np.float64)


def neutralise(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Remove each row's component along the direction and rescale the rows to unit length."""
    g = unit_rows(direction, np.float64)
    rows = unit_rows(vectors, np.float64)
    return unit_rows(rows - np.outer(rows @ g, g))


def centroid(vectors: np.ndarray) -> np.ndarray:
    """The unit-length mean of the unit rows."""
    return unit_rows(unit_rows(vectors, np.float64).mean(axis=0))


ANISOTROPY_PAIRS = 10_000


def random_pairs(n: int, n_pairs: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random pairs (i, j) of distinct row numbers below `n`; all pairs when there are fewer."""
    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if n * (n - 1) // 2 <= n_pairs:
        return np.triu_indices(n, k=1)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, size=n_pairs)
    j = (i + rng.integers(1, n, size=n_pairs)) % n  # never equal to i
    return i, j


def anisotropy(vectors: np.ndarray, n_pairs: int = ANISOTROPY_PAIRS, seed: int = 0) -> float:
    """Mean cosine between random pairs of distinct rows (NaN with fewer than two rows)."""
    vectors = np.asarray(vectors)
    i, j = random_pairs(len(vectors), n_pairs, seed)
    if not len(i):
        return float("nan")
    a, b = unit_rows(vectors[i], np.float64), unit_rows(vectors[j], np.float64)  # only the rows drawn
    return float(np.einsum("ij,ij->i", a, b).mean())


def mean_pairwise_cosine(vectors: np.ndarray) -> float:
    """Mean cosine over all distinct pairs of rows (NaN with fewer than two rows)."""
    rows = unit_rows(vectors, np.float64)
    n = len(rows)
    if n < 2:
        return float("nan")
    total = rows.sum(axis=0)
    return float((total @ total - (rows * rows).sum()) / (n * (n - 1)))
