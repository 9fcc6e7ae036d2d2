"""Command line: the same core functions the UI calls, for pipelines."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from core.cli.args import (
    add_csv_raw_argument,
    add_long_text_arguments,
    add_projection_arguments,
    add_vector_input_arguments,
    long_texts,
    projection_params,
)
from core.cli.audits import add_audit_commands
from core.cli.contexts import add_contexts_command
from core.cli.evaluate import add_evaluate_command
from core.cli.finetune import add_finetune_command
from core.cli.graphs import add_graph_arguments, graph_options
from core.cli.indexlab import add_indexlab_command
from core.cli.inputs import load_input, report_exclusions
from core.cli.maps import add_map_command
from core.cli.outputs import note_first_load, write_table
from core.cli.quality import add_quality_commands
from core.cli.search import add_store_commands
from core.cli.static import add_static_command
from core.cli.tables import add_table_arguments, report_pick, table_options
from core.data.builtins import BUILTINS
from core.embedding.kinds import kind_models
from core.embedding.models import DEFAULT_MODEL, MODELS
from core.errors import UserError
from core.maps.service import MapData, MapService

LONGEST_LISTED = 10
LONGEST_TEXT_CHARS = 120
_NO_LOG = logging.NullHandler()  # core's log records go nowhere here: each failure is the one line below
METADATA_SUFFIX = ".metadata.parquet"  # exact values, for the commands that read the metadata back


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def cmd_embed(args: argparse.Namespace) -> int:
    """Input file + column + model -> vectors .npy + metadata table."""
    from core.embedding.encode import coverage_note, embed_dataset

    dataset = load_input(args)
    note_first_load(args.model)
    embedded, result = embed_dataset(dataset, args.model, progress=_progress, normalize=not args.no_normalize,
                                     long_texts=long_texts(args), **table_options(args, args.model),
                                     **graph_options(args, args.model))
    report_pick(embedded)
    out = Path(args.out)
    np.save(out, embedded.require_vectors(), allow_pickle=False)
    meta = Path(args.metadata_out) if args.metadata_out else out.with_suffix(METADATA_SUFFIX)
    write_table(embedded.frame, meta, raw=args.csv_raw)
    report_exclusions(embedded)
    note = coverage_note(args.model, dataset.texts)
    if note:
        print(note, file=sys.stderr)
    if args.format == "json":
        print(json.dumps(embed_summary(embedded, result, out, meta, dataset.texts)))
        return 0
    if result.report is not None and result.report.sentence():
        print(result.report.sentence(), file=sys.stderr)
    unit = " windows" if result.windows is not None else ""
    print(f"{len(embedded)} vectors of dimension {embedded.require_vectors().shape[1]} ({result.n_cached}{unit} from cache, "
          f"{result.n_encoded} encoded) -> {out}, metadata -> {meta}")
    return 0


def embed_summary(embedded, result, out: Path, meta: Path, texts: list[str]) -> dict:
    """What `embed --format json` prints: counts, outputs, and how the texts fit the model's window."""
    summary = {"vectors": len(embedded), "dimension": int(embedded.vectors.shape[1]), "from_cache": result.n_cached,
               "encoded": result.n_encoded, "excluded": len(embedded.excluded), "out": str(out),
               "metadata_out": str(meta), "window": None}
    report = result.report
    if report is not None:
        longest = [{"row": int(i), "tokens": int(report.counts[i]), "text": texts[i][:LONGEST_TEXT_CHARS]}
                   for i in report.longest(LONGEST_LISTED)]
        summary["window"] = {**report.as_dict(), "longest": longest}
        if result.windows is not None:
            summary["window"]["windows"] = result.windows.total
    return summary


def cmd_project(args: argparse.Namespace) -> int:
    """Vectors (any supported input) -> coordinates CSV, with metadata columns alongside."""
    from core.embedding.encode import attach_precomputed

    dataset = attach_precomputed(load_input(args))
    params = projection_params(args)
    coords = MapService().projection(MapData.of(dataset.require_vectors(), dataset.texts), params)
    axes = pd.DataFrame(coords, columns=["x", "y", "z"][: args.dims])
    metadata = dataset.frame.rename(columns={c: f"{c}_metadata" for c in axes.columns if c in dataset.frame})
    write_table(pd.concat([axes, metadata], axis=1), Path(args.out), raw=args.csv_raw)
    report_exclusions(dataset)
    print(f"{len(coords)} points projected with {args.method} -> {args.out}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from core.bench.runner import run_bench

    return run_bench(as_json=args.json, sections=args.only, smoke=args.smoke)


def cmd_list(args: argparse.Namespace) -> int:
    print("datasets (use as --input builtin:NAME):")
    for key, item in BUILTINS.items():
        print(f"  {key:16} {item.title}")
    print("models (--model):")
    for key, spec in MODELS.items():
        print(f"  {key:16} {spec.title}")
    print("  st:NAME|PATH     any sentence-transformers model available locally (for images: a local CLIP)")
    print("models for images, graphs and tables (--model):")
    for key, kind_spec in kind_models().items():
        print(f"  {key:16} {kind_spec.title}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Embedding Explorer from the command line.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="list built-in datasets and models").set_defaults(func=cmd_list)

    embed = sub.add_parser("embed", help="embed a text column: file in, .npy + metadata out")
    embed.add_argument("input", help="a table/text file, or builtin:NAME")
    embed.add_argument("--column", help="the text column (default: text/sentence/document/word or first text column)")
    embed.add_argument("--model", default=DEFAULT_MODEL, help=f"model key (default {DEFAULT_MODEL}) or st:NAME|PATH")
    embed.add_argument("--out", required=True, help="output .npy")
    embed.add_argument("--metadata-out", help=f"metadata file (default OUT{METADATA_SUFFIX}: exact values, for map, "
                                              "project and index); a .csv name writes a CSV for people, guarded "
                                              "against spreadsheet formulas unless --csv-raw")
    embed.add_argument("--metadata", help="a table joined to the rows: by file name for a .zip or folder of images, "
                                          "by node id for a graph")
    embed.add_argument("--no-normalize", action="store_true", help="keep raw vector lengths")
    add_long_text_arguments(embed)
    add_table_arguments(embed)
    add_graph_arguments(embed)
    embed.add_argument("--format", choices=("text", "json"), default="text",
                       help="json: print one JSON object with the counts and what the model's window cut")
    add_csv_raw_argument(embed)
    embed.set_defaults(func=cmd_embed)

    proj = sub.add_parser("project", help="project vectors: .npy/vectors file in, coordinates CSV out")
    add_vector_input_arguments(proj)
    add_projection_arguments(proj)
    proj.add_argument("--out", required=True, help="output .csv or .parquet")
    add_csv_raw_argument(proj)
    proj.set_defaults(func=cmd_project)

    bench = sub.add_parser("bench", help="measure our paths against the plain libraries")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--only", nargs="*", help="run only these sections")
    bench.add_argument("--smoke", action="store_true",
                       help="every section at tiny sizes: checks that each runs and reports its figures")
    bench.set_defaults(func=cmd_bench)
    add_store_commands(sub)
    add_map_command(sub)
    add_audit_commands(sub)
    add_evaluate_command(sub)
    add_contexts_command(sub)
    add_finetune_command(sub)
    add_indexlab_command(sub)
    add_quality_commands(sub)
    add_static_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; failures print one line and return a non-zero status (the details core logs for a
    server's log stay out of the terminal)."""
    logging.getLogger("core").addHandler(_NO_LOG)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, never a traceback
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
