"""The projection settings, each defined once.

Every setting has one row in `SETTINGS`: its name, default, bounds or choices, label and the
projections that read it. `ProjectionParams`, `Projector`'s parameters, the CLI options, the
link parameters and the Map and Compare forms are all derived from that row, so a new setting
is one new row.
"""
import inspect
from dataclasses import dataclass
from typing import Any

from core.setting import Setting

METHODS = ("umap", "tsne", "pca")
METHOD_LABELS = {"umap": "UMAP", "tsne": "t-SNE", "pca": "PCA"}
METRICS = ("cosine", "euclidean", "manhattan")


SETTINGS: tuple[Setting, ...] = (
    Setting("method", "method", "Method", "umap", choices=METHODS, choice_labels=tuple(METHOD_LABELS.values()),
            widget="segmented", per_map=True, help="projection method"),
    Setting("n_components", "dims", "Dimensions", 2, choices=(2, 3), widget="segmented", help="map dimensions"),
    Setting("n_neighbors", "neighbors", "UMAP neighbours", 15, bounds=(2, 200), methods=("umap",), per_map=True,
            help="UMAP n_neighbors"),
    Setting("min_dist", "min_dist", "UMAP min_dist", 0.1, bounds=(0.0, 0.99), step=0.01, methods=("umap",),
            reducer_arg=True, help="UMAP min_dist"),
    Setting("perplexity", "perplexity", "t-SNE perplexity", 30.0, bounds=(2.0, 100.0), step=1.0, methods=("tsne",),
            per_map=True, help="t-SNE perplexity"),
    Setting("metric", "metric", "Metric", "cosine", choices=METRICS, widget="select",
            help="distance between vectors"),
    Setting("random_state", "seed", "Seed", 42, bounds=(0, 2**31 - 1), widget="number", help="random seed"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class ProjectionParams:
    """Everything that determines a projection (one field per setting); hashed into the cache key.

    One field per row of `SETTINGS`, in its order, with its default (a test holds the two together). Field names
    and values make the projection cache's key: a renamed field would orphan every cached map.
    """

    method: str = BY_NAME["method"].default
    n_components: int = BY_NAME["n_components"].default
    n_neighbors: int = BY_NAME["n_neighbors"].default
    min_dist: float = BY_NAME["min_dist"].default
    perplexity: float = BY_NAME["perplexity"].default
    metric: str = BY_NAME["metric"].default
    random_state: int = BY_NAME["random_state"].default


MIN_ROWS = 5  # the fewest vectors a map is drawn from
FITTED_HERE: set[str] = set()  # methods fitted in this process (the first UMAP compiles its kernels)


def settings_signature() -> inspect.Signature:
    """`self` plus one parameter per setting with its default: the signature of `Projector.__init__`."""
    params = [inspect.Parameter(s.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=s.default) for s in SETTINGS]
    return inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *params])


def reducer_args(params: Any, method: str) -> dict[str, Any]:
    """The settings passed unchanged to `method`'s reducer, read from `params` (ProjectionParams or Projector)."""
    return {s.name: getattr(params, s.name) for s in SETTINGS if s.reducer_arg and s.applies_to(method)}


def params_from(values: dict[str, Any]) -> ProjectionParams:
    """ProjectionParams from setting values keyed by name; missing or None values take the default."""
    return ProjectionParams(**{s.name: s.cast(values[s.name]) for s in SETTINGS if values.get(s.name) is not None})
