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
from core.data.table import TEXT, VECTORS
from core.maps.labels import naming_texts


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _write_outputs(args: argparse.Namespace, dataset, run) -> None:
    from core.maps import export
    from core.maps.thumbnails import html_thumbnails, projector_sprite

    frame = export.export_frame(dataset.frame, run.coords, clusters=run.clusters, faith=run.faith)
    out = Path(args.out)
    out.write_bytes(_map_parquet(frame, dataset.vectors, args) if out.suffix.lower() == ".parquet"
                    else to_csv_bytes(frame, raw=args.csv_raw))
    if args.projector:
        meta = frame.drop(columns=[c for c in ("x", "y", "z") if c in frame.columns])
        Path(args.projector).write_bytes(export.projector_zip(dataset.vectors, meta, dataset.text_column,
                                                              sprite=projector_sprite(dataset)))
    if args.html:
        fig = _figure(dataset, run)
        page = export.standalone_html(fig, title=dataset.name, thumbnails=html_thumbnails(dataset, fig))
        Path(args.html).write_text(page, encoding="utf-8")


def _figure(dataset, run):
    """The map coloured by cluster, with each cluster's label at its centre; above MAX_RENDER points, a seeded
    sample of them over the density of every point."""
    from core.maps.clusters import label_positions
    from core.maps.density import with_density
    from core.maps.figure import build_scatter, render_rows

    rows = render_rows(len(run.coords))
    if run.clusters is None:
        fig = build_scatter(run.coords, dataset.frame, text_column=dataset.text_column, title=dataset.name, rows=rows)
    else:
        fig = build_scatter(run.coords, dataset.frame.assign(cluster=run.clusters.names), rows=rows,
                            text_column=dataset.text_column, color="cluster", max_categories=60,
                            labels=label_positions(run.coords, run.clusters), title=dataset.name)
    sampled = len(rows) < len(run.coords) and run.coords.shape[1] == 2
    return with_density(fig, run.coords, n_drawn=len(rows)) if sampled else fig


def _map_parquet(frame, vectors, args: argparse.Namespace) -> bytes:
    """The map as Parquet, with how it was made in its metadata (so `--transform-from` can grow it)."""
    from core.maps import export
    from core.maps.stable import MapRecipe, with_recipe

    return with_recipe(export.to_parquet_bytes(frame), MapRecipe.of(vectors, projection_params(args)))


def _load(args: argparse.Namespace):
    """The input; a plain float32 `.npy` file is memory-mapped (rows are read where they are needed)."""
    from core.maps.large import open_vectors

    path = Path(args.input)
    plain = path.suffix.lower() == ".npy" and not (args.model or args.metadata or getattr(args, "column", None))
    vectors = open_vectors(path) if plain and path.is_file() else None
    if vectors is None:
        return _with_vectors(load_input(args), args.model)
    import pandas as pd

    from core.data.loaders.columns import _with_label_column
    from core.data.table import Dataset

    frame, text_column, generated = _with_label_column(pd.DataFrame(index=range(len(vectors))), None, path.stem)
    return Dataset(name=path.stem, frame=frame, text_column=text_column, vectors=vectors, generated_labels=generated)


def _with_vectors(dataset, model: str | None):
    """The dataset's own vectors, or (images, or text given --model) vectors from `model` or the kind's default."""
    from core.embedding.encode import attach_precomputed, embed_dataset
    from core.embedding.kinds import models_for

    if dataset.vectors is not None or (model is None and dataset.kind in (TEXT, VECTORS)):
        return attach_precomputed(dataset)
    return embed_dataset(dataset, model or models_for(dataset)[0], progress=_progress)[0]


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def cmd_map(args: argparse.Namespace) -> int:
    """Vectors in; coordinates, clusters, faithfulness and metadata out (CSV or Parquet), plus HTML/projector files."""
    from core.maps.build import build_map
    from core.maps.large import sampling_note
    from core.maps.projection import refines

    dataset = _load(args)
    if args.transform_from:
        return _grow(args, dataset)
    params = projection_params(args)
    run = build_map(dataset.require_vectors(), naming_texts(dataset), params, clusters=cluster_spec(args), log=_log)
    _write_outputs(args, dataset, run)
    report_exclusions(dataset)
    summary = f"{len(run.coords):,} points mapped with {args.method}"
    if run.clusters is not None:
        summary += f", {run.clusters.n_clusters} clusters"
    if run.faith is not None:
        summary += f", kNN preservation {run.faith.preservation_mean:.3f}, trustworthiness {run.faith.trust_mean:.3f}"
    note = sampling_note(len(run.coords), len(run.fitted.fit_rows), run.faith,
                         refined=refines(len(run.coords), params, len(run.fitted.fit_rows)))
    print(f"{summary} -> {args.out}" + (f" ({note})" if note else ""))
    return 0


def _grow(args: argparse.Namespace, dataset) -> int:
    """Place the rows after the old map's on it, old rows first and unchanged (`--transform-from`)."""
    from core.maps import export
    from core.maps.projection import MAX_FIT
    from core.maps.stable import MapRecipe, grow_map, grown_frame, read_map, with_recipe

    old, recipe = read_map(Path(args.transform_from))
    if recipe is None:
        _log(f"{args.transform_from} does not say how it was made; refitting with this command's projection settings.")
        recipe = MapRecipe(projection_params(args), len(old), MAX_FIT, "")
    axes = [c for c in ("x", "y", "z") if c in old.columns]
    grown = grow_map(dataset.require_vectors(), old[axes].to_numpy(), recipe)
    new_part = export.export_frame(dataset.frame.iloc[len(old):], grown.new_coords)
    frame = grown_frame(old, new_part)
    out = Path(args.out)
    out.write_bytes(with_recipe(export.to_parquet_bytes(frame), recipe.grown(dataset.vectors))
                    if out.suffix.lower() == ".parquet" else to_csv_bytes(frame, raw=args.csv_raw))
    summary = f"{len(old):,} points kept and {len(new_part):,} new points placed with {recipe.params.method}"
    if grown.drift is not None:
        summary += (f"; the new points' trustworthiness {grown.drift.new_trust:.3f} against the old points' "
                    f"{grown.drift.old_trust:.3f} (drift {grown.drift.drift:+.3f}, on samples of "
                    f"{grown.drift.new_rows:,} new and {grown.drift.old_rows:,} old points)")
    print(f"{summary}; the refit's fitted points lie within {grown.refit_max_diff:.2g} of the stored map's (more "
          f"when the map was refined with every row's neighbours; new rows go among the stored ones) -> {args.out}")
    return 0


def add_map_command(sub) -> None:
    """Register `map` on the CLI's subparsers."""
    p = sub.add_parser("map", help="vectors in; map, clusters and faithfulness out (CSV/Parquet, HTML, projector zip)")
    add_vector_input_arguments(p)
    add_projection_arguments(p)
    add_cluster_arguments(p)
    p.add_argument("--out", required=True, help="output .csv or .parquet")
    add_csv_raw_argument(p)
    p.add_argument("--model", help="for input without vectors (a .zip or folder of images, or a text table): the "
                                   "model that embeds it (default: the kind's default model for images)")
    p.add_argument("--html", help="also write a standalone HTML map (opens offline)")
    p.add_argument("--projector", help="also write a TensorFlow Projector zip (vectors.tsv + metadata.tsv)")
    p.add_argument("--transform-from", metavar="OLD_MAP.parquet",
                   help="place the rows after those of this map (written by `map`) on it: the input holds the map's "
                        "rows first, then the new ones; the old points keep their coordinates, new rows are marked")
    p.set_defaults(func=cmd_map)
