"""The table model on the command line: its options (from core.tables.settings), reading any table file as rows,
and the column pick explained on stderr."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from core.cli.args import add_setting_argument
from core.data.table import Dataset


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per table-model setting (`--columns`, `--exclude`, ...), with its default and range."""
    from core.tables.settings import TABLE_SETTINGS

    group = parser.add_argument_group("table model (--model table)")
    for setting in TABLE_SETTINGS:
        add_setting_argument(group, setting)  # type: ignore[arg-type]


def is_table_model(model_key: str) -> bool:
    from core.tables.models import MODELS

    return model_key in MODELS


def wants_table(args: argparse.Namespace) -> bool:
    """Whether every model asked for is a table model, so the input is read as table rows."""
    models = args.model if isinstance(args.model, list) else [args.model]
    return all(is_table_model(m) for m in models)


def load_table_input(source: str) -> Dataset:
    """A table file's rows, whatever its columns (no text column needed)."""
    from core.tables.data import load_table_file

    return load_table_file(source)


def table_options(args: argparse.Namespace, model_key: str) -> dict[str, Any]:
    """What `embed_dataset` needs for a table model: its settings and the label kept out of the features."""
    if not is_table_model(model_key):
        return {}
    from core.tables.settings import TableSettings

    return {"settings": TableSettings.of(vars(args)), "label_column": getattr(args, "label_column", None)}


def table_embedded(args: argparse.Namespace, model_key: str, dataset: Dataset | None,
                   progress=None) -> Dataset | None:
    """`dataset` embedded by a table model, the label column left out; None for other models or no dataset."""
    if dataset is None or not is_table_model(model_key):
        return None
    from core.embedding.encode import embed_dataset

    embedded, _ = embed_dataset(dataset, model_key, progress=progress, **table_options(args, model_key))
    report_pick(embedded)
    return embedded


def report_pick(embedded: Dataset) -> None:
    """On stderr: which columns became features, which were left out and why, and the missing values kept."""
    from core.tables.models import table_transform

    transform = table_transform(embedded)
    if transform is None:
        return
    pick = transform.pick
    print(pick.sentence(), file=sys.stderr)
    for column, reason in pick.left_out.items():
        print(f"  left out {column}: {reason}", file=sys.stderr)
    for column, count in pick.missing.items():
        if count:
            print(f"  {column}: {count:,} missing value(s) kept", file=sys.stderr)
    if transform.note:
        print(transform.note, file=sys.stderr)
