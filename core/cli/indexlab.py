"""`python -m core indexlab`: every index, quantisation and sweep measured on one set of vectors under one metric,
asked held-out rows or typed queries."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from core.cli.args import add_setting_argument
from core.cli.inputs import load_input, report_exclusions
from core.cli.outputs import note_first_load
from core.data.table import Dataset
from core.errors import UserError
from core.indexlab.settings import METRIC, SETTINGS, LabParams
from core.jobs import JobProgress

TEXT_COLUMNS = ("name", "kind", "recall_at_k", "query_ms_p50", "query_ms_p95", "build_s", "bytes_per_vector")


class StderrProgress(JobProgress):
    """Progress written to stderr, one line a phase."""

    def status(self, phase: str) -> None:
        super().status(phase)
        print(phase, file=sys.stderr, flush=True)


def _encoding(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def lab_vectors(dataset: Dataset, model: str | None) -> tuple[Dataset, str]:
    """(the dataset with its own vectors (non-finite rows dropped), or embedded with `model`; the model key,
    'precomputed' for the data's own vectors)."""
    from core.embedding.encode import attach_precomputed, embed_dataset
    from core.embedding.models import DEFAULT_MODEL
    from core.search.queries import PRECOMPUTED

    if model is None and dataset.vectors is not None:
        return attach_precomputed(dataset), PRECOMPUTED
    note_first_load(model or DEFAULT_MODEL)
    return embed_dataset(dataset, model or DEFAULT_MODEL, progress=_encoding)[0], model or DEFAULT_MODEL


def typed_queries(args: argparse.Namespace, dataset: Dataset, model_key: str) -> np.ndarray | None:
    """The --query texts and the lines of --query-file embedded as the Index lab page embeds typed queries;
    None (held-out rows) when there are none."""
    from core.indexlab.queries import embed_typed, query_lines

    lines = [text.strip() for text in args.query or [] if text.strip()]
    if args.query_file:
        path = Path(args.query_file)
        if not path.is_file():
            raise UserError(f"No such file: {path}")
        lines += query_lines(path.read_text(encoding="utf-8", errors="replace"))
    return embed_typed(lines, model_key, dataset.texts) if lines else None


def cmd_indexlab(args: argparse.Namespace) -> int:
    """Build and measure each index; print JSON or a table."""
    from core.indexlab.lab import in_words, run_lab

    dataset, model_key = lab_vectors(load_input(args), args.model)
    report_exclusions(dataset)
    queries = typed_queries(args, dataset, model_key)
    params = LabParams(**{s.name: getattr(args, s.key) for s in SETTINGS}, metric=getattr(args, METRIC.key))
    report = run_lab(dataset.require_vectors(), params, queries=queries, progress=StderrProgress())
    payload = report.as_json()
    if args.format == "json":
        print(json.dumps(payload, indent=2))
        return 0
    print(f"ranked by {in_words(report.metric)}; {report.queries:,} queries against {report.n:,} vectors")
    for note in payload["notes"]:
        print(note)
    print("\t".join(TEXT_COLUMNS))
    for row in payload["indexes"]:
        print("\t".join(f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in TEXT_COLUMNS))
    print(payload["recommendation"])
    return 0


def add_indexlab_command(sub) -> None:
    """Register `indexlab` on the CLI's subparsers."""
    p = sub.add_parser("indexlab", help="measure exact, HNSW, IVF, IVF-PQ, int8 and binary search on your vectors")
    p.add_argument("input", help=".npy, projector vectors.tsv, a table or text file, or builtin:NAME")
    p.add_argument("--model", help="embed the texts with this model (default: the data's own vectors, else the "
                                   "default model)")
    p.add_argument("--column", help="the text column, when embedding")
    p.add_argument("--metadata", help="metadata table for a .npy or vectors.tsv")
    p.add_argument("--vector-column", help="column holding a vector per row (for tables)")
    for setting in (*SETTINGS, METRIC):
        add_setting_argument(p, setting)
    p.add_argument("--query", action="append", help="a typed query, embedded with the data's model (repeatable; "
                                                    "asked instead of held-out rows)")
    p.add_argument("--query-file", help="a text file of typed queries, one a line")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one JSON object")
    p.set_defaults(func=cmd_indexlab)
