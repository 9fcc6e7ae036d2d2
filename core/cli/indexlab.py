"""`python -m core indexlab`: every index, metric-free quantisation and sweep measured on one set of vectors."""
from __future__ import annotations

import argparse
import json
import sys

from core.cli.args import add_setting_argument
from core.cli.inputs import load_input, report_exclusions
from core.cli.outputs import note_first_load
from core.data.table import Dataset
from core.indexlab.settings import SETTINGS, LabParams
from core.jobs import JobProgress

TEXT_COLUMNS = ("name", "kind", "recall_at_k", "query_ms_p50", "query_ms_p95", "build_s", "bytes_per_vector")


class StderrProgress(JobProgress):
    """Progress written to stderr, one line a phase."""

    def status(self, phase: str) -> None:
        super().status(phase)
        print(phase, file=sys.stderr, flush=True)


def _encoding(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def lab_vectors(dataset: Dataset, model: str | None) -> Dataset:
    """The dataset with its own vectors (non-finite rows dropped), or embedded with `model`."""
    from core.embedding.encode import attach_precomputed, embed_dataset
    from core.embedding.models import DEFAULT_MODEL

    if model is None and dataset.vectors is not None:
        return attach_precomputed(dataset)
    note_first_load(model or DEFAULT_MODEL)
    return embed_dataset(dataset, model or DEFAULT_MODEL, progress=_encoding)[0]


def cmd_indexlab(args: argparse.Namespace) -> int:
    """Build and measure each index; print JSON or a table."""
    from core.indexlab.lab import run_lab

    dataset = lab_vectors(load_input(args), args.model)
    report_exclusions(dataset)
    params = LabParams(**{s.name: getattr(args, s.key) for s in SETTINGS})
    report = run_lab(dataset.require_vectors(), params, progress=StderrProgress())
    payload = report.as_json()
    if args.format == "json":
        print(json.dumps(payload, indent=2))
        return 0
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
    for setting in SETTINGS:
        add_setting_argument(p, setting)
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one JSON object")
    p.set_defaults(func=cmd_indexlab)
