"""The settings of the graph models, each defined once: CLI options and widgets are derived from this table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.setting import Setting

SMALL_GRAPH = 5_000  # up to this many nodes, one worker by default: the run is then reproducible


@dataclass(frozen=True)
class GraphParams:
    """How a graph model embeds the nodes; frozen, so it keys caches."""

    walks_per_node: int = 10
    walk_length: int = 40
    window: int = 5
    dimensions: int = 64
    p: float = 1.0
    q: float = 1.0
    epochs: int = 5
    seed: int = 0
    workers: int | None = None  # None: one on small graphs (reproducible), else two

    def workers_for(self, n_nodes: int) -> int:
        """The skip-gram workers: as set, else one up to SMALL_GRAPH nodes."""
        return self.workers or (1 if n_nodes <= SMALL_GRAPH else 2)


_WALKS = ("deepwalk", "node2vec")
GRAPH_SETTINGS: tuple[Setting, ...] = (
    Setting("walks_per_node", "walks_per_node", "Walks per node", GraphParams.walks_per_node, bounds=(1, 100),
            step=1, widget="number", methods=_WALKS, help="random walks started from each node"),
    Setting("walk_length", "walk_length", "Walk length", GraphParams.walk_length, bounds=(2, 400), step=1,
            widget="number", methods=_WALKS, help="nodes in each walk"),
    Setting("window", "walk_window", "Window", GraphParams.window, bounds=(1, 40), step=1, widget="number",
            methods=_WALKS, help="skip-gram context: nodes either side within a walk"),
    Setting("dimensions", "graph_dimensions", "Dimensions", GraphParams.dimensions, bounds=(2, 512), step=1,
            widget="number", help="length of each node's vector"),
    Setting("p", "p", "Return parameter p", GraphParams.p, bounds=(0.1, 10.0), step=0.25, widget="number",
            methods=("node2vec",), help="node2vec return parameter: a high p makes stepping back less likely"),
    Setting("q", "q", "In-out parameter q", GraphParams.q, bounds=(0.1, 10.0), step=0.25, widget="number",
            methods=("node2vec",), help="node2vec in-out parameter: q > 1 keeps walks near (BFS-like), q < 1 "
                                        "sends them outward (DFS-like)"),
    Setting("epochs", "walk_epochs", "Epochs", GraphParams.epochs, bounds=(1, 50), step=1, widget="number",
            methods=_WALKS, help="skip-gram passes over the walks"),
    Setting("seed", "graph_seed", "Seed", GraphParams.seed, bounds=(0, 2**31 - 1), step=1, widget="number",
            help="seed of the walks, the skip-gram and the spectral solver"),
    Setting("workers", "walk_workers", "Workers", GraphParams.workers, bounds=(0, 16), step=1, widget="number", methods=_WALKS,
            auto="one up to 5,000 nodes", help="skip-gram threads; one worker gives the same vectors on every run"),
)


def graph_params(values: dict) -> GraphParams:
    """GraphParams from setting values keyed by setting key (CLI arguments, widget values)."""
    found: dict[str, Any] = {s.name: values[s.key] for s in GRAPH_SETTINGS if s.key in values}
    cast: dict[str, Any] = {name: value if value is None else _setting(name).cast(value) for name, value in found.items()}
    return GraphParams(**cast)


def _setting(name: str) -> Setting:
    return next(s for s in GRAPH_SETTINGS if s.name == name)
