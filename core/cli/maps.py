"""`python -m core map`: vectors to a finished map, with clusters, exports and faithfulness."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.args import (
    add_cluster_arguments,
    add_csv_raw_argument,
    add_projection_arguments,
    add_vector_input_arguments,
    cluster_spec,
    projection_params,
)
from core.cli.inputs import load_input, report_exclusions
from core.data.csv_safety import to_csv_bytes


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _write_outputs(args: argparse.Namespace, dataset, run) -> None:
    from core.maps import export

    frame = export.export_frame(dataset.frame, run.coords, clusters=run.clusters, faith=run.faith)
    out = Path(args.out)
    out.write_bytes(export.to_parquet_bytes(frame) if out.suffix.lower() == ".parquet"
                    else to_csv_bytes(frame, raw=args.csv_raw))
    if args.projector:
        meta = frame.drop(columns=[c for c in ("x", "y", "z") if c in frame.columns])
        Path(args.projector).write_bytes(export.projector_zip(dataset.vectors, meta, dataset.text_column))
    if args.html:
        Path(args.html).write_text(export.standalone_html(_figure(dataset, run), title=dataset.name), encoding="utf-8")


def _figure(dataset, run):
    """The map coloured by cluster, with each cluster's label at its centre."""
    from core.maps.clusters import label_positions
    from core.maps.figure import build_scatter

    if run.clusters is None:
        return build_scatter(run.coords, dataset.frame, text_column=dataset.text_column, title=dataset.name)
    frame = dataset.frame.assign(cluster=run.clusters.names)
    return build_scatter(run.coords, frame, text_column=dataset.text_column, color="cluster", max_categories=60,
                         labels=label_positions(run.coords, run.clusters), title=dataset.name)


def cmd_map(args: argparse.Namespace) -> int:
    """Vectors in; coordinates, clusters, faithfulness and metadata out (CSV or Parquet), plus HTML/projector files."""
    from core.embedding.encode import attach_precomputed
    from core.maps.service import build_map

    dataset = attach_precomputed(load_input(args))
    params = projection_params(args)
    run = build_map(dataset.require_vectors(), dataset.texts, params, clusters=cluster_spec(args), log=_log)
    _write_outputs(args, dataset, run)
    report_exclusions(dataset)
    summary = f"{len(run.coords):,} points mapped with {args.method}"
    if run.clusters is not None:
        summary += f", {run.clusters.n_clusters} clusters"
    if run.faith is not None:
        summary += f", kNN preservation {run.faith.preservation_mean:.3f}, trustworthiness {run.faith.trust_mean:.3f}"
    print(f"{summary} -> {args.out}")
    return 0


def add_map_command(sub) -> None:
    """Register `map` on the CLI's subparsers."""
    p = sub.add_parser("map", help="vectors in; map, clusters and faithfulness out (CSV/Parquet, HTML, projector zip)")
    add_vector_input_arguments(p)
    add_projection_arguments(p)
    add_cluster_arguments(p)
    p.add_argument("--out", required=True, help="output .csv or .parquet")
    add_csv_raw_argument(p)
    p.add_argument("--html", help="also write a standalone HTML map (opens offline)")
    p.add_argument("--projector", help="also write a TensorFlow Projector zip (vectors.tsv + metadata.tsv)")
    p.set_defaults(func=cmd_map)
