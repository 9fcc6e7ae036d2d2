"""Exact and near-duplicates: repeated texts or vectors counted, near pairs found from the neighbour graph, and
duplicate groups (connected components) from which one row each is kept.

The default cosine threshold, 0.9 (core.quality.settings), was measured on the 2,756 Lee sentences with
all-MiniLM-L6-v2, against 300 planted near-copies (lower-cased, punctuation dropped, a word dropped, two words
swapped, a word misspelt, a short prefix added) and the corpus's own 3.8 million pairs. At 0.9, 273 of the 300
planted copies are found (91%; lower-casing, swaps and prefixes all, misspellings least) and each of the 9 pairs of
distinct corpus sentences above it is itself a copy with a small edit ("prizemoney" / "prize money"). Between 0.8
and 0.9 lie 24 more corpus pairs, nearly all two reports of one event rather than copies ("Seven people have died
on Queensland roads..." / "Five people have died in Queensland..."); 0.95 finds only 83% of the planted copies.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from core.maps.knn import KnnGraph
from core.maps.projection import GRAPH_MIN_K
from core.quality.graph import cosine_graph
from core.quality.settings import BY_NAME
from core.vectors import unit_rows


def repeated_rows(keys: Sequence | np.ndarray) -> np.ndarray:
    """Whether each row repeats an earlier row exactly (texts, or the rows of a 2-D array)."""
    keys = np.asarray(keys)
    if keys.ndim == 2:
        keys = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.dtype.itemsize * keys.shape[1]))).ravel()
    _, first = np.unique(keys, return_index=True)
    repeats = np.ones(len(keys), dtype=bool)
    repeats[first] = False
    return repeats


def near_pairs(graph: KnnGraph, X: np.ndarray, threshold: float) -> pd.DataFrame:
    """Pairs of rows (row_a < row_b) at or above the cosine threshold among each row's graph neighbours, with their
    exact cosine, most similar first."""
    n = len(graph.indices)
    rows = np.repeat(np.arange(n), graph.k)
    cols = graph.indices[:, 1:].ravel()
    close = (1.0 - graph.distances[:, 1:].ravel()) >= threshold - 1e-4  # a margin for the graph's float error
    a, b = np.minimum(rows[close], cols[close]), np.maximum(rows[close], cols[close])
    keep = a != b
    pairs = np.unique(np.stack([a[keep], b[keep]], axis=1), axis=0).reshape(-1, 2)
    unit = unit_rows(X, np.float32)
    cos = np.einsum("ij,ij->i", unit[pairs[:, 0]], unit[pairs[:, 1]]).astype(np.float64)
    found = pd.DataFrame({"row_a": pairs[:, 0], "row_b": pairs[:, 1], "cosine": np.minimum(cos, 1.0)})
    found = found[found["cosine"] >= threshold]
    return found.sort_values(["cosine", "row_a", "row_b"], ascending=[False, True, True], ignore_index=True)


def duplicate_groups(pairs: pd.DataFrame, n: int) -> np.ndarray:
    """Each row's duplicate group (connected components of the pairs), numbered from 0; -1 for rows in no pair."""
    edges = sparse.coo_matrix((np.ones(len(pairs)), (pairs["row_a"], pairs["row_b"])), shape=(n, n))
    _, component = connected_components(edges, directed=False)
    sizes = np.bincount(component)
    grouped = sizes[component] > 1
    groups = np.full(n, -1, dtype=np.int64)
    _, groups[grouped] = np.unique(component[grouped], return_inverse=True)  # numbered by their first row
    return groups


@dataclass
class DuplicateResult:
    """Exact repeats, near pairs and duplicate groups of one dataset."""

    threshold: float
    exact_texts: np.ndarray  # bool per row: its text repeats an earlier row's exactly
    exact_vectors: np.ndarray  # bool per row: its vector repeats an earlier row's exactly
    pairs: pd.DataFrame  # row_a, row_b, cosine
    groups: np.ndarray  # group per row, -1 for none

    @property
    def n_groups(self) -> int:
        return int(self.groups.max() + 1) if len(self.groups) else 0

    def kept_row(self) -> np.ndarray:
        """For each row, the row kept in its place: its group's first row, or itself when it is in no group."""
        rows = np.arange(len(self.groups))
        grouped = self.groups >= 0
        first = np.full(self.n_groups, len(rows), dtype=np.int64)
        np.minimum.at(first, self.groups[grouped], rows[grouped])
        kept = rows.copy()
        kept[grouped] = first[self.groups[grouped]]
        return kept

    @property
    def keep(self) -> np.ndarray:
        """One row per duplicate group (its first) and every row in no group."""
        return self.kept_row() == np.arange(len(self.groups))


def find_duplicates(X: np.ndarray, texts: Sequence[str], *, threshold: float = BY_NAME["threshold"].default,
                    graph: KnnGraph | None = None, use_cache: bool = True) -> DuplicateResult:
    """Exact repeats of texts and of vectors, near pairs at or above `threshold` and their groups."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    graph = cosine_graph(X, GRAPH_MIN_K, graph=graph, use_cache=use_cache)  # more copies of a row join by groups
    pairs = near_pairs(graph, X, threshold)
    return DuplicateResult(threshold, repeated_rows([str(t) for t in texts]), repeated_rows(X), pairs,
                           duplicate_groups(pairs, len(X)))


def _texts(labels: Sequence[str], rows: np.ndarray) -> list[str]:
    return [str(labels[r]) for r in rows]


def pairs_frame(result: DuplicateResult, source_rows: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    """The near pairs with both members' input rows and texts, their cosine and their group."""
    a, b = result.pairs["row_a"].to_numpy(), result.pairs["row_b"].to_numpy()
    source = np.asarray(source_rows, dtype=np.int64)
    return pd.DataFrame({"row_a": source[a], "row_b": source[b], "cosine": result.pairs["cosine"].to_numpy(),
                         "text_a": _texts(labels, a), "text_b": _texts(labels, b), "group": result.groups[a]})


def removed_frame(result: DuplicateResult, source_rows: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    """The rows "keep one per group" removes: each with the input row kept in its place and both texts."""
    removed = np.flatnonzero(~result.keep)
    kept = result.kept_row()[removed]
    source = np.asarray(source_rows, dtype=np.int64)
    return pd.DataFrame({"row": source[removed], "kept_row": source[kept], "group": result.groups[removed],
                         "text": _texts(labels, removed), "kept_text": _texts(labels, kept)})


def summary(result: DuplicateResult) -> dict:
    """The counts the CLI prints and the report shows."""
    return {"exact_duplicates": int(result.exact_texts.sum()), "exact_vector_duplicates": int(result.exact_vectors.sum()),
            "pairs": len(result.pairs), "groups": result.n_groups, "removed": int((~result.keep).sum()),
            "threshold": result.threshold}
