"""Bench section `quality` (registered in core.bench.SECTIONS): outliers, near-duplicates and drift on
100,000 x 384 clustered vectors, each end to end from the vectors (no disk cache).

- quality_graph_100k_s: the shared cosine neighbour graph alone (NN-descent, kernels compiled beforehand); the map
  builds the same graph, so on a page it is usually there already.
- outliers_100k_s: the graph, then each row's distance to its 10th neighbour.
- duplicates_100k_s: exact repeats of texts and vectors, the graph, near pairs and their groups.
- drift_100k_s: 50,000 rows per side (the rows sorted by cluster, cut in half); the stratified 5-fold
  classifier's AUC with its permutation p-value (labels permuted over the out-of-fold scores), the MMD on 1,000
  rows per side with its permutation p-value, and the KMeans clusters of the pooled vectors with their labels.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from core.bench.maps import clustered_vectors, synthetic_texts

T = TypeVar("T")


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class QualitySizes:
    """How many clustered vectors, and permutations behind each drift p-value."""

    points: int = 100_000
    permutations: int = 200


def _timed(step: Callable[[], T], name: str) -> tuple[T, float]:
    start, cpu = time.perf_counter(), time.process_time()
    result = step()
    seconds = time.perf_counter() - start
    _log(f"quality: {name} {seconds:.1f} s ({time.process_time() - cpu:.1f} s of CPU)")
    return result, seconds


def bench_quality(workdir: Path, sizes: QualitySizes) -> dict[str, float]:
    """Seconds for outliers, duplicates and drift at `points` x 384."""
    from core.maps.knn import EXACT_LIMIT, build_knn_graph, warm_up_nndescent
    from core.maps.projection import GRAPH_MIN_K
    from core.quality.clusters import joint_clusters
    from core.quality.drift import cluster_shift, measure_drift
    from core.quality.duplicates import find_duplicates
    from core.quality.outliers import find_outliers

    X, labels = clustered_vectors(sizes.points)
    texts = synthetic_texts(labels)
    if sizes.points > EXACT_LIMIT:  # NN-descent's kernels compile here, outside the timings
        warm_up_nndescent()
    _log(f"quality: {sizes.points:,} x {X.shape[1]} clustered vectors")
    _, graph_s = _timed(lambda: build_knn_graph(X, GRAPH_MIN_K), "graph")
    outliers, outliers_s = _timed(lambda: find_outliers(X, method="knn", k=10, use_cache=False),
                                   "outliers")
    duplicates, duplicates_s = _timed(lambda: find_duplicates(X, texts, use_cache=False), "duplicates")
    side = np.zeros(len(X), dtype=bool)  # half the rows on each side, split by cluster: a strong drift
    side[np.argsort(labels, kind="stable")[len(X) // 2:]] = True

    def drift():
        result = measure_drift(X, side, permutations=sizes.permutations)
        clusters = joint_clusters(X, texts)
        return result, cluster_shift(clusters.labels, side, clusters.names)

    (result, _), drift_s = _timed(drift, "drift")
    return {"quality_graph_100k_s": round(graph_s, 2), "outliers_100k_s": round(outliers_s, 2),
            "duplicates_100k_s": round(duplicates_s, 2), "drift_100k_s": round(drift_s, 2),
            "quality_flagged": int(outliers.flagged.sum()), "quality_near_pairs": len(duplicates.pairs),
            "drift_auc": round(result.auc, 4), "drift_auc_p": result.auc_p, "drift_mmd_p": result.mmd_p}
