"""The graph models on the command line: their options (from core.graphs.settings), reading a graph file or an
edge list as nodes, and link prediction."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli.args import add_setting_argument
from core.data.table import Dataset


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """`--source-column`, `--target-column` and one option per graph-model setting."""
    from core.graphs.settings import GRAPH_SETTINGS

    group = parser.add_argument_group("graph models (--model deepwalk, node2vec, spectral)")
    group.add_argument("--source-column", help="edge list: the column of each edge's first node (default: a "
                                               "column named source/from/src, else the first)")
    group.add_argument("--target-column", help="edge list: the column of each edge's second node (default: "
                                               "target/to/dst, else the second)")
    for setting in GRAPH_SETTINGS:
        add_setting_argument(group, setting)  # type: ignore[arg-type]


def is_graph_model(model_key: str) -> bool:
    from core.graphs.models import MODELS

    return model_key in MODELS


def wants_graph(args: argparse.Namespace) -> bool:
    """Whether the input is a graph: a GML/GraphML file, edge-list columns named, or only graph models asked for."""
    from core.graphs.reading import GRAPH_EXTENSIONS

    models = args.model if isinstance(args.model, list) else [args.model]
    named = getattr(args, "source_column", None) or getattr(args, "target_column", None)
    graph_file = str(args.input).lower().endswith(GRAPH_EXTENSIONS)
    return bool(named) or graph_file or all(is_graph_model(m) for m in models)


def load_graph_input(args: argparse.Namespace) -> Dataset:
    """A GML/GraphML file or an edge list, with `--metadata` as a node table joined by node id."""
    from core.graphs.reading import load_graph_path

    dataset = load_graph_path(args.input, source_column=getattr(args, "source_column", None),
                              target_column=getattr(args, "target_column", None),
                              metadata_path=getattr(args, "metadata", None))
    report = dataset.payload.report  # type: ignore[union-attr]
    print(report.summary(), file=sys.stderr)
    return dataset


def graph_options(args: argparse.Namespace, model_key: str) -> dict[str, Any]:
    """What `embed_dataset` needs for a graph model: its settings."""
    if not is_graph_model(model_key):
        return {}
    from core.graphs.settings import graph_params

    return {"graph_params": graph_params(vars(args))}


def add_link_prediction_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--link-prediction", action="store_true",
                        help="graphs: hold out 10%% of the edges, embed the rest, and report link_auc (ROC AUC)")


def link_figures(args: argparse.Namespace, model_key: str, dataset: Dataset | None) -> dict[str, float] | None:
    """`link_auc` and its interval for a graph model, when `--link-prediction` asks for it."""
    if not getattr(args, "link_prediction", False) or dataset is None:
        return None
    from core.errors import UserError
    from core.graphs.links import graph_link_prediction

    if not is_graph_model(model_key) or dataset.kind != "graph":
        raise UserError("--link-prediction needs a graph (GML, GraphML or an edge list) and a graph model.")
    return graph_link_prediction(dataset, model_key, **graph_options(args, model_key)).figures()


def graph_embedded(args: argparse.Namespace, model_key: str, dataset: Dataset | None,
                   progress=None) -> Dataset | None:
    """`dataset` embedded by a graph model with the command's settings; None for other models or no labels."""
    if dataset is None or not is_graph_model(model_key) or not getattr(args, "label_column", None):
        return None
    from core.embedding.encode import embed_dataset

    embedded, _ = embed_dataset(dataset, model_key, progress=progress, **graph_options(args, model_key))
    return embedded


def add_link_prediction(payload: dict[str, Any], args: argparse.Namespace, dataset: Dataset | None) -> None:
    """Each model's `link_prediction` figures (`link_auc` and its interval), when `--link-prediction` asks."""
    if not getattr(args, "link_prediction", False):
        return
    from core.evaluation.links import CONVENTIONS

    payload["conventions"]["link_prediction"] = CONVENTIONS
    for doc in payload.get("models", [payload]):
        doc["link_prediction"] = link_figures(args, doc["model"], dataset)
