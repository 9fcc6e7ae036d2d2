"""The cluster settings, each defined once.

Every setting has one row in `CLUSTER_SETTINGS`: its name, default, bounds or choices, label and the
methods that read it. `ClusterSpec`, the clusterer's parameters, the `map` command's options, the
link parameters and the Map page's cluster form are all derived from that row, so a new setting is
one new row.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.maps.clustering import K_MAX_CAP, K_MAX_SMALL, LINKAGES
from core.maps.labels import parse_stop_words
from core.setting import Setting

NO_CLUSTERS = "none"
METHOD_LABELS = {NO_CLUSTERS: "No clusters", "hdbscan": "HDBSCAN (density)", "kmeans": "KMeans",
                 "agglomerative": "Agglomerative"}
SPACES = ("map", "vectors")
SPACE_LABELS = ("the map (2D/3D)", "the original vectors")


CLUSTER_SETTINGS: tuple[Setting, ...] = (
    Setting("method", "clusters", "Method", "hdbscan", choices=tuple(METHOD_LABELS),
            choice_labels=tuple(METHOD_LABELS.values()), widget="select", reducer_arg=True,
            widget_name="cluster_method", help=f"clustering method, or {NO_CLUSTERS}"),
    Setting("space", "space", "Cluster", "map", choices=SPACES, choice_labels=SPACE_LABELS, widget="radio",
            widget_name="cluster_space", help="cluster the map or the original vectors"),
    Setting("n_clusters", "k", "Clusters", None, bounds=(2, 100), widget="number", auto="suggest",
            methods=("kmeans", "agglomerative"), reducer_arg=True, widget_name="cluster_k",
            help="number of clusters, for KMeans and agglomerative; 0 picks the k with the best silhouette from 2 up to "
                 f"about the square root of half the points ({K_MAX_SMALL} to {K_MAX_CAP})"),
    Setting("min_cluster_size", "min_size", "Smallest cluster", None, bounds=(2, 100_000), widget="number",
            auto="auto", methods=("hdbscan",), widget_name="cluster_min_size",
            help="HDBSCAN's smallest cluster; auto is about 1% of the points, smaller when one cluster would "
                 "hold more than half of them"),
    Setting("linkage", "linkage", "Linkage", "ward", choices=LINKAGES, widget="select", methods=("agglomerative",),
            reducer_arg=True, widget_name="cluster_linkage", help="how agglomerative clustering joins clusters"),
    Setting("stop_words", "stop", "Extra stop words for the labels", (), widget="text", convert=parse_stop_words,
            widget_name="cluster_stop", cli_name="stop_words",
            help="added to the English stop words for the cluster labels; comma-separated"),
    Setting("random_state", "cluster_seed", "Seed", 0, bounds=(0, 2**31 - 1), widget="number", reducer_arg=True,
            help="random seed of KMeans, of the suggested k and of the sample fitted on large data"),
    Setting("min_samples", "min_samples", "Min samples", 5, bounds=(1, 1_000), widget="number", methods=("hdbscan",),
            widget_name="cluster_min_samples",
            help="HDBSCAN's neighbours for a core point, at most the smallest cluster; higher leaves more noise"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in CLUSTER_SETTINGS}


@dataclass(frozen=True)
class ClusterSpec:
    """Everything that determines the clusters; hashable, so it keys caches and URLs.

    One field per row of `CLUSTER_SETTINGS`, in its order, with its default (a test holds the two together).
    """

    method: str = BY_NAME["method"].default
    space: str = BY_NAME["space"].default
    n_clusters: int | None = BY_NAME["n_clusters"].default  # None: suggested by silhouette
    min_cluster_size: int | None = BY_NAME["min_cluster_size"].default  # None: about 1% of the fitted points
    linkage: str = BY_NAME["linkage"].default
    stop_words: tuple[str, ...] = BY_NAME["stop_words"].default
    random_state: int = BY_NAME["random_state"].default
    min_samples: int = BY_NAME["min_samples"].default


def spec_from(values: Mapping[str, Any]) -> ClusterSpec | None:
    """The spec of field values keyed by setting name (missing ones take the default); None for no clusters."""
    if values.get("method") == NO_CLUSTERS:
        return None
    return ClusterSpec(**{s.name: values[s.name] for s in CLUSTER_SETTINGS if s.name in values})


def clusterer_args(spec: ClusterSpec) -> dict[str, Any]:
    """The settings passed unchanged to the clusterer (those of its method)."""
    return {s.name: getattr(spec, s.name) for s in CLUSTER_SETTINGS if s.reducer_arg and s.applies_to(spec.method)}
