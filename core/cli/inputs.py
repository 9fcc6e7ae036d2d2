"""What every command reads: a built-in dataset or a file, and the rows left out of it."""
from __future__ import annotations

import argparse
import sys

from core.cli.graphs import load_graph_input, wants_graph
from core.cli.tables import load_table_input, wants_table
from core.data.builtins import load_builtin
from core.data.table import Dataset


def load_input(args: argparse.Namespace) -> Dataset:
    """A built-in dataset (`builtin:NAME`) or a file read by the loaders."""
    from core.data.loaders import load_path

    source = args.input
    if source.startswith("builtin:"):
        return load_builtin(source.split(":", 1)[1])
    if getattr(args, "model", None) and wants_table(args):
        return load_table_input(source)
    if getattr(args, "model", None) and wants_graph(args):
        return load_graph_input(args)
    return load_path(source, text_column=getattr(args, "column", None),
                     vector_column=getattr(args, "vector_column", None), metadata_path=getattr(args, "metadata", None))


def report_exclusions(dataset: Dataset) -> None:
    """The excluded rows' summary, on stderr."""
    if len(dataset.excluded):
        print(dataset.excluded.summary(), file=sys.stderr)
