"""Link prediction of a graph dataset with one of the graph models (core.evaluation.links holds the protocol)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from core.data.table import Dataset
from core.evaluation.links import LinkResult, link_prediction
from core.graphs.payload import graph_payload
from core.graphs.settings import GraphParams


def graph_link_prediction(dataset: Dataset, model_key: str, *, graph_params: GraphParams | None = None,
                          progress: Callable[[int, int], None] | None = None,
                          cancel: threading.Event | None = None) -> LinkResult:
    """ROC AUC of `model_key` at telling held-out edges of the dataset's graph from non-edges."""
    from core.graphs.models import node_vectors

    params = graph_params or GraphParams()
    graph = graph_payload(dataset).graph
    return link_prediction(graph, lambda residual: node_vectors(residual, model_key, params, progress=progress,
                                                                cancel=cancel), seed=params.seed)
