"""Clusters of a map, end to end: pick the space, cluster, score, and label with keywords.

Sensible defaults (DESIGN.md): HDBSCAN runs on the 2-3D map, never on raw 384-D vectors (in
the vector space it runs on the first 10 principal components); KMeans and agglomerative can
run on the vectors themselves (unit length for the cosine metric, so Euclidean = cosine order).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from core.errors import DataError
from core.maps.cluster_settings import SPACES, ClusterSpec, clusterer_args
from core.maps.clustering import MAX_FIT, NOISE, cluster_scores, relabel_by_size
from core.maps.knn import KnnGraph
from core.maps.label_layout import LabelSpot, place_labels, short_label
from core.maps.labels import cluster_keywords, cluster_names, cluster_table
from core.vectors import unit_rows

if TYPE_CHECKING:
    from core.maps.clusterer import Clusterer

HDBSCAN_MAX_DIMS = 10
DOMINANT_SHARE = 0.5  # a cluster holding more of the points than this says little about the map
SMALLEST_AUTO_SIZE = 5  # the automatic smallest cluster of HDBSCAN, at least
LINEAR_R2 = 0.999  # a map explained this well by a linear function of the vectors is a linear map (PCA)
LINEAR_SAMPLE = 2_000  # rows used to tell, at least (three per dimension)


@dataclass
class ClusterResult:
    """Labels per row, keywords and table per cluster, and quality scores."""

    spec: ClusterSpec
    labels: np.ndarray
    names: np.ndarray  # display name per row, e.g. "2: rain, storm, flood" or "noise"
    keywords: dict[int, list[str]]
    table: pd.DataFrame
    scores: dict[str, float | None]
    n_fit: int
    note: str = ""
    silhouette_by_k: dict[int, float] = field(default_factory=dict)
    advice: str = ""  # what was done, or what to change, when the clusters say little

    @property
    def n_clusters(self) -> int:
        return len(set(self.labels.tolist()) - {NOISE})

    @property
    def noise_share(self) -> float:
        return float((self.labels == NOISE).mean())


def _unit(X: np.ndarray) -> np.ndarray:
    return unit_rows(X).astype(np.float32)


def clustering_space(vectors: np.ndarray, coords: np.ndarray, spec: ClusterSpec, *,
                     metric: str = "cosine") -> tuple[np.ndarray, str]:
    """The points to cluster, and a sentence saying what they are."""
    if spec.space not in SPACES:
        raise DataError(f"Unknown clustering space '{spec.space}'. Choose one of: {', '.join(SPACES)}.")
    if spec.space == "map":
        return np.asarray(coords, dtype=np.float32), f"on the {coords.shape[1]}D map"
    X = _unit(vectors) if metric == "cosine" else np.asarray(vectors, dtype=np.float32)
    if spec.method == "hdbscan" and X.shape[1] > HDBSCAN_MAX_DIMS:
        from sklearn.decomposition import PCA
        X = PCA(HDBSCAN_MAX_DIMS, random_state=0).fit_transform(X).astype(np.float32)
        return X, (f"on the vectors' first {HDBSCAN_MAX_DIMS} principal components (density clustering "
                   f"is not meaningful in {vectors.shape[1]} dimensions)")
    return X, f"on the {X.shape[1]}-dimensional vectors"


def graph_connectivity(graph: KnnGraph, k: int = 10):
    """The shared neighbour graph as a sparse connectivity matrix (for agglomerative clustering)."""
    from scipy.sparse import csr_matrix

    neighbours = graph.neighbours(min(k, graph.k))
    n, width = neighbours.shape
    return csr_matrix((np.ones(n * width), (np.repeat(np.arange(n), width), neighbours.ravel())), shape=(n, n))


def auto_min_cluster_size(n_fit: int) -> int:
    """About 1% of the fitted points, between SMALLEST_AUTO_SIZE and 500."""
    return int(np.clip(n_fit // 100, SMALLEST_AUTO_SIZE, 500))


def make_clusterer(spec: ClusterSpec, n_rows: int, max_fit: int = MAX_FIT) -> Clusterer:
    """The estimator for a spec. HDBSCAN's min_samples defaults to 5: on a UMAP map (already smoothed) its own
    default (= min cluster size) merges the topics of a news corpus into two or three continents."""
    from core.maps.clusterer import Clusterer

    size = spec.min_cluster_size or auto_min_cluster_size(min(n_rows, max_fit))
    return Clusterer(min_cluster_size=size, min_samples=min(spec.min_samples, size), max_fit=max_fit,
                     **clusterer_args(spec))


def cluster_map(vectors: np.ndarray, coords: np.ndarray, texts: Sequence[str], spec: ClusterSpec, *,
                metric: str = "cosine", graph: KnnGraph | None = None, max_fit: int = MAX_FIT) -> ClusterResult:
    """Cluster the rows as `spec` says, score the clusters and name them by their keywords."""
    # 1. the space (the vectors in place of a linear map), and the shared graph for agglomerative on every vector
    run, advice = _off_linear_map(vectors, coords, spec)
    X, note = clustering_space(vectors, coords, run, metric=metric)
    connectivity = None
    if run.method == "agglomerative" and run.space == "vectors" and graph is not None and len(X) <= max_fit:
        connectivity = graph_connectivity(graph)
    # 2. cluster (on a sample above max_fit rows) and score
    clusterer = make_clusterer(run, len(X), max_fit).fit(X, connectivity=connectivity)
    labels, silhouettes, split_advice = _split_if_dominant(X, clusterer, run, max_fit)
    silhouettes = silhouettes or dict(clusterer.silhouette_by_k_)
    scores = cluster_scores(X, labels, random_state=spec.random_state)
    # 3. keywords by c-TF-IDF (or metadata, for rows without text), and the table
    keywords = cluster_keywords(texts, labels, custom_stop_words=spec.stop_words, X=X)
    table = cluster_table(texts, labels, keywords, X)
    return ClusterResult(spec, labels, cluster_names(labels, keywords), keywords, table, scores,
                         len(clusterer.fit_rows_), note, silhouettes, advice or split_advice)


def is_linear_map(vectors: np.ndarray, coords: np.ndarray, *, seed: int = 0) -> bool:
    """Whether the map is a linear function of the vectors, as a PCA map is: a least-squares fit on half a
    sample explains the other half (R² above LINEAR_R2). False when there are too few rows to tell."""
    sample = max(LINEAR_SAMPLE, 3 * (vectors.shape[1] + 1))
    rows = np.random.default_rng(seed).permutation(len(vectors))[:sample]
    A = np.c_[np.asarray(vectors[rows], dtype=np.float64), np.ones(len(rows))]
    B = np.asarray(coords[rows], dtype=np.float64)
    half = len(rows) // 2
    if half <= A.shape[1]:
        return False
    with threadpool_limits(1):  # a small solve: on a busy machine, threads made it ten times slower or more
        W = np.linalg.lstsq(A[:half], B[:half], rcond=None)[0]
    rest = B[half:]
    spread = ((rest - rest.mean(axis=0)) ** 2).sum()
    return spread > 0 and 1 - ((rest - A[half:] @ W) ** 2).sum() / spread > LINEAR_R2


def _off_linear_map(vectors: np.ndarray, coords: np.ndarray, spec: ClusterSpec) -> tuple[ClusterSpec, str]:
    """The spec to run, and why when it is not `spec`: HDBSCAN of automatic size on a linear map of vectors with
    more dimensions becomes KMeans on the vectors. Such a map has no density gaps of its own: groups that the
    vectors keep apart overlap on it, and density clusters on it cut through them."""
    if ((spec.method, spec.space, spec.min_cluster_size) != ("hdbscan", "map", None)
            or vectors.shape[1] <= coords.shape[1] or not is_linear_map(vectors, coords)):
        return spec, ""
    return replace(spec, method="kmeans", space="vectors", n_clusters=None), (
        "This map is linear (PCA), with no density gaps of its own, so HDBSCAN on it would cut through groups: these "
        "are KMeans clusters of the vectors (k by silhouette). For density clusters of the map, set 'Smallest "
        "cluster' yourself.")


def dominant_share(labels: np.ndarray) -> float:
    """The share of all points in the largest cluster (0 when there is none)."""
    return float((labels == 0).mean()) if (labels == 0).any() else 0.0


def _finer_density(X: np.ndarray, spec: ClusterSpec, size: int, max_fit: int) -> tuple[np.ndarray, int] | None:
    """HDBSCAN labels with the smallest cluster halved until no cluster holds more than DOMINANT_SHARE of the
    points, and that size; None when the smallest automatic size still leaves one."""
    while size > SMALLEST_AUTO_SIZE:
        size = max(SMALLEST_AUTO_SIZE, size // 2)
        labels = make_clusterer(replace(spec, min_cluster_size=size), len(X), max_fit).fit(X).labels_
        if dominant_share(labels) <= DOMINANT_SHARE:
            return labels, size
    return None


def _split_if_dominant(X: np.ndarray, clusterer: Clusterer, spec: ClusterSpec,
                       max_fit: int) -> tuple[np.ndarray, dict[int, float], str]:
    """HDBSCAN labels where one cluster holds most points: finer density clusters, else that cluster split by
    KMeans (both with the automatic size only), or advice.

    The excess of mass can prefer one large cluster to its many smaller ones (a news corpus on a UMAP map), and
    maps without density gaps between their groups (t-SNE's, often) give HDBSCAN one cluster for most of the
    points; KMeans inside it, with k chosen by silhouette, recovers groups while keeping HDBSCAN's others.
    """
    labels, share = clusterer.labels_, dominant_share(clusterer.labels_)
    if spec.method != "hdbscan" or share <= DOMINANT_SHARE or len(X) < 10:
        return labels, {}, ""
    held = f"HDBSCAN put {share:.0%} of the points in one cluster"
    if spec.min_cluster_size is not None:
        return labels, {}, (f"{held}. Lower 'Smallest cluster', set it to 0 (auto) to have that cluster split, "
                            "or choose KMeans.")
    finer = _finer_density(X, spec, clusterer.min_cluster_size, max_fit)
    if finer is not None:
        return finer[0], {}, (f"{held} with clusters of at least {clusterer.min_cluster_size} points, so the "
                              f"smallest cluster was lowered to {finer[1]}. For larger clusters, set 'Smallest "
                              "cluster' yourself.")
    from core.maps.clusterer import Clusterer

    rows = np.flatnonzero(labels == 0)
    inner = Clusterer("kmeans", max_fit=max_fit, random_state=spec.random_state).fit(X[rows])
    split = labels.copy()
    split[rows] = inner.labels_ + labels.max() + 1
    return relabel_by_size(split), dict(inner.silhouette_by_k_), (
        f"{held} (the map has no density gaps inside it), so that cluster was split with KMeans into "
        f"{inner.n_clusters_} (k by silhouette). For density clusters only, set 'Smallest cluster' yourself; for "
        "other groupings choose KMeans or agglomerative.")


def cluster_centres(coords: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Where to write each cluster's label on the map: the median of its points (noise has none)."""
    return {int(c): np.median(coords[labels == c], axis=0) for c in np.unique(labels) if c != NOISE}


MAX_LABELS = 40
ROOM_QUANTILES = (0.1, 0.9)  # a label may move up or down within this band of its cluster's heights


def label_spots(coords: np.ndarray, result: ClusterResult, max_labels: int = MAX_LABELS) -> list[LabelSpot]:
    """Each cluster's (shortened) name at its centre, largest cluster first, with the band it may move in."""
    centres = cluster_centres(coords, result.labels)
    names = dict(zip(result.table["cluster"], result.table["label"]))
    spots = []
    for c in sorted(centres)[:max_labels]:  # cluster 0 is the largest
        low, high = np.quantile(coords[result.labels == c, 1], ROOM_QUANTILES)
        spots.append(LabelSpot(short_label(str(names[c])), centres[c], (float(low), float(high))))
    return spots


def label_positions(coords: np.ndarray, result: ClusterResult, *, max_labels: int = MAX_LABELS) -> dict[str, np.ndarray]:
    """Cluster names near their centres, largest first; a label whose box would cover a larger cluster's is
    moved up or down within its own cluster, or left out."""
    span = np.ptp(coords, axis=0)[:2] + 1e-9
    return place_labels(label_spots(coords, result, max_labels), span)
