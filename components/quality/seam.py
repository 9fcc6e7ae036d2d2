"""The quality checks, computed once per vectors and settings for every session of this server."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from components.memo import server_memos
from components.seam import Embedded
from core.hashing import hash_array
from core.maps.knn import KnnGraph
from core.quality.drift import DriftResult, measure_drift
from core.quality.duplicates import DuplicateResult, find_duplicates
from core.quality.outliers import OutlierResult, find_outliers


def outliers(emb: Embedded, graph: KnnGraph, method: str, k: int, contamination: float) -> OutlierResult:
    """Outlier scores of the current vectors (the contamination only moves the threshold: nothing recomputes)."""
    def compute() -> OutlierResult:
        with st.spinner(f"Scoring {len(emb.dataset):,} points for outliers…"):
            return find_outliers(emb.dataset.vectors, method=method, k=k, graph=graph)

    result = server_memos()["derived"].get_or_make(("outliers", emb.vectors_hash, method, k), compute)
    return replace(result, contamination=contamination)


def duplicates(emb: Embedded, graph: KnnGraph, threshold: float) -> DuplicateResult:
    """Exact repeats, near pairs and groups of the current data at `threshold`."""
    def compute() -> DuplicateResult:
        with st.spinner(f"Looking for duplicates among {len(emb.dataset):,} points…"):
            return find_duplicates(emb.dataset.vectors, emb.dataset.texts, threshold=threshold, graph=graph)

    key = ("duplicates", emb.vectors_hash, emb.dataset.name, threshold)
    return server_memos()["derived"].get_or_make(key, compute)


def drift_key(emb: Embedded, side: np.ndarray, permutations: int) -> tuple:
    """What a drift result is kept under: the vectors, the sides and the permutations."""
    return "drift", emb.vectors_hash, hash_array(side.astype(np.int8)), permutations


def drift(emb: Embedded, side: np.ndarray, permutations: int, tick) -> DriftResult:
    """Drift between the rows where `side` is 0 (A) and those where it is 1 (B), rows at -1 left out (the result
    holds the rows of both sides only, in order). `tick(done, total)` moves a progress bar."""
    def compute() -> DriftResult:
        both = side >= 0
        return measure_drift(emb.dataset.vectors[both], side[both] == 1, permutations=permutations, progress=tick)

    return server_memos()["derived"].get_or_make(drift_key(emb, side, permutations), compute)
