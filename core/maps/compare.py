"""Comparing two maps of the same rows: neighbour overlap per point, and aligned coordinates."""
from __future__ import annotations

import numpy as np

from core.errors import DataError
from core.maps.faithfulness import map_neighbours, neighbour_overlap
from core.maps.knn import KnnGraph

DEFAULT_K = 10


def model_overlap(graph_a: KnnGraph, graph_b: KnnGraph, k: int = DEFAULT_K) -> np.ndarray:
    """Per point, the share of its k nearest neighbours under model A that are also among them under model B."""
    if len(graph_a.indices) != len(graph_b.indices):
        raise DataError("Both models must embed the same rows to compare their neighbours.")
    k = min(k, graph_a.k, graph_b.k)
    return neighbour_overlap(graph_a.neighbours(k), graph_b.neighbours(k))


def map_overlap(coords_a: np.ndarray, coords_b: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """Per point, the share of its k nearest neighbours on map A that are also among them on map B."""
    if len(coords_a) != len(coords_b):
        raise DataError("Both maps must show the same rows to compare them.")
    k = min(k, len(coords_a) - 1)
    return neighbour_overlap(map_neighbours(coords_a, k), map_neighbours(coords_b, k))


def align(reference: np.ndarray, moving: np.ndarray) -> np.ndarray:
    """`moving` rotated (or mirrored), scaled and shifted to lie as close as possible to `reference`.

    Orthogonal Procrustes: two maps of the same rows then read side by side, although UMAP and
    t-SNE place their clusters at arbitrary angles.
    """
    from scipy.linalg import orthogonal_procrustes

    if reference.shape != moving.shape:
        raise DataError("Maps can only be aligned when they have the same rows and dimensions.")
    ref_c, mov_c = reference - reference.mean(axis=0), moving - moving.mean(axis=0)
    ref_scale, mov_scale = np.linalg.norm(ref_c), np.linalg.norm(mov_c)
    if ref_scale == 0 or mov_scale == 0:
        return moving.astype(np.float32)
    rotation, _ = orthogonal_procrustes(mov_c / mov_scale, ref_c / ref_scale)
    aligned = (mov_c / mov_scale) @ rotation * ref_scale + reference.mean(axis=0)
    return aligned.astype(np.float32)
