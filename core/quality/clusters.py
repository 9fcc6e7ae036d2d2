"""Clusters of two sides taken together, labelled by their keywords (the map's own clustering and labels)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.maps.clusters import ClusterResult, ClusterSpec, cluster_map

JOINT_CLUSTERS = 12  # KMeans clusters of the pooled vectors when no map's clusters are at hand


def joint_clusters(X: np.ndarray, texts: Sequence[str], *, n_clusters: int = JOINT_CLUSTERS,
                   random_state: int = 0) -> ClusterResult:
    """KMeans clusters of the pooled vectors, named by c-TF-IDF keywords as on the map."""
    spec = ClusterSpec(method="kmeans", space="vectors", n_clusters=min(n_clusters, max(2, len(X) // 2)),
                       random_state=random_state)
    return cluster_map(X, np.zeros((len(X), 2), dtype=np.float32), texts, spec)
