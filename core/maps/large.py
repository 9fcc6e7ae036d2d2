"""Large maps: what changes above `LARGE_ROWS` points, so that a million vectors map in minutes and bounded memory.

Up to `LARGE_ROWS` rows a map is built as always (the shared neighbour graph of every row, faithfulness
measured against it). Above it:
- UMAP is fitted on a seeded sample of `MAX_FIT` rows (20,000) and the rest are placed by `transform` in chunks
  (core.maps.projection; the sample's own NN-descent index answers their neighbour queries);
- the shared neighbour graph of every row is not built for the map (at 1,000,000 x 384 NN-descent took 169 s of
  an 8.7-minute map, and at full width it took the peak memory to 5.9 GB); the placed map is refined with a
  graph found among the rows' first principal components instead (core.maps.refine). A page that asks for the
  shared graph (the neighbour panel, the Quality page) gets NN-descent's, which the `map1m` bench section
  measured faster than FAISS's IVF-Flat at 200,000 rows (core.maps.knn_faiss);
- faithfulness is measured on a seeded sample of `FAITH_SAMPLE` rows, among themselves (exact neighbours);
- clusters run on the 2D map, fitted on a sample (core.maps.clustering) as for any map.
The input can be a memory-mapped `.npy`: rows are read where they are needed, and nothing is N x N.

Why 100,000: there the full path costs about 60 s and 2.0 GB on two cores, while its neighbour graph and
faithfulness grow faster than the rows (169 s and 118 s at 1,000,000 rows).
Why the 20,000-row fit sample stays: on the `map1m` bench data, trustworthiness (5,000-point sample) of the
whole 1,000,000-point map was 0.972 fitted on 20,000 rows and 0.969 on 50,000; the placed rows dominate it.
(On its first 100,000 rows: 0.993 for UMAP fitted on every row, 139 s; 0.986 on 50,000, 76 s; 0.973 on
20,000, 28 s.) More `transform` epochs for the placed rows do not close the gap (0.9726 with umap's 30, 0.9724
with 200): a placed row is drawn only towards the fitted rows. Letting every point settle among all of its
neighbours once placed (core.maps.refine) closes it: 0.9935 on the 1,000,000 rows with the graph found among 64
principal components, in 453 s end to end (two cores shared with a test run) and a 3.0 GB peak; 0.9935 too, but
5.9 GB, with NN-descent's graph at full width.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from core.maps.faithfulness import DEFAULT_K, Faithfulness, faithfulness, trust_rows
from core.maps.knn import build_knn_graph

LARGE_ROWS = 100_000  # above this many rows a map takes the sampled path
FAITH_SAMPLE = 5_000  # rows faithfulness is measured on above LARGE_ROWS
FINITE_CHUNK = 65_536  # rows checked for NaN / inf at a time


def is_large(n_rows: int) -> bool:
    """Whether a map of `n_rows` points takes the sampled path."""
    return n_rows > LARGE_ROWS


def open_vectors(path: Path) -> np.ndarray | None:
    """A float32 2-D `.npy` file memory-mapped (never unpickled), or None when it is another kind of array or
    holds NaN or inf (the regular loader then reads it, with its checks and messages)."""
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError):
        return None
    if array.dtype != np.float32 or array.ndim != 2 or 0 in array.shape or not all_finite(array):
        return None
    return array


def all_finite(X: np.ndarray) -> bool:
    """Whether every value is finite, read a chunk of rows at a time."""
    return all(np.isfinite(X[start:start + FINITE_CHUNK]).all() for start in range(0, len(X), FINITE_CHUNK))


def sampled_faithfulness(X: np.ndarray, coords: np.ndarray, *, metric: str = "cosine", k: int = DEFAULT_K,
                         sample: int | None = None, seed: int = 0) -> Faithfulness:
    """kNN preservation and trustworthiness of a seeded sample of rows (`FAITH_SAMPLE` by default), measured
    among themselves with exact neighbours; the other rows are NaN."""
    sample = sample or FAITH_SAMPLE
    rows = trust_rows(len(X), limit=sample, sample=sample, seed=seed)
    Xs, Ys = np.ascontiguousarray(X[rows], dtype=np.float32), np.asarray(coords[rows])
    k = max(1, min(k, (len(rows) - 1) // 2))
    measured = faithfulness(Xs, Ys, build_knn_graph(Xs, k, metric=metric), k=k, limit=len(rows))
    preservation, trust = np.full(len(X), np.nan), np.full(len(X), np.nan)
    preservation[rows], trust[rows] = measured.preservation, measured.trust
    return Faithfulness(measured.k, preservation, trust, rows, exact_neighbours=True)


def sampling_note(n_rows: int, fit_rows: int, faith: Faithfulness | None, *, refined: bool = False) -> str:
    """What a map's figures were computed on, in a sentence (empty when every row took part)."""
    parts = []
    if fit_rows < n_rows:
        settled = ", then let every point settle among its neighbours" if refined else ""
        parts.append(f"UMAP was fitted on a seeded sample of {fit_rows:,} of the {n_rows:,} points and placed the "
                     f"others{settled}")
    if faith is not None and len(faith.scored) < n_rows:
        parts.append(f"faithfulness was measured on a seeded sample of {len(faith.scored):,} points")
    if not parts:
        return ""
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]
