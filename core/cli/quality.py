"""`python -m core outliers|duplicates|drift`: what is odd, what is repeated and what changed in a dataset."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from core.cli.args import add_csv_raw_argument, add_setting_argument
from core.cli.inputs import load_input, report_exclusions
from core.cli.outputs import note_first_load, write_table
from core.data.table import Dataset
from core.errors import DataError
from core.quality.settings import BY_NAME

PRECOMPUTED = "precomputed"
TOP_LISTED = 10  # outliers and pairs named in the JSON summary
SHIFTED_CLUSTERS = 10  # clusters listed by the drift command


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _add_input_arguments(parser: argparse.ArgumentParser, *, inputs: str = "input") -> None:
    """INPUT (or two of them), the columns to read and the model that embeds them."""
    if inputs == "input":
        parser.add_argument("input", help="a table/text file, .npy, vectors file, or builtin:NAME")
    else:
        parser.add_argument("inputs", nargs="+", metavar="INPUT", help="one dataset (with --batch-column) or two")
    parser.add_argument("--column", help="the text column (default: text/sentence/document/word or first text column)")
    parser.add_argument("--vector-column", help="column holding a vector per row (for tables)")
    parser.add_argument("--metadata", help="metadata table for a .npy or vectors.tsv")
    parser.add_argument("--model", help="model key or st:NAME|PATH, or 'precomputed' for the file's own vectors "
                                        "(default: the file's own vectors when it has them, else the default model)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="json: print one JSON object")


def with_vectors(dataset: Dataset, model: str | None) -> Dataset:
    """The dataset with vectors: its own, or embedded with `model`."""
    from core.embedding.encode import attach_precomputed, embed_dataset
    from core.embedding.models import DEFAULT_MODEL

    model = model or (PRECOMPUTED if dataset.vectors is not None else DEFAULT_MODEL)
    if model == PRECOMPUTED:
        return attach_precomputed(dataset)
    note_first_load(model)
    return embed_dataset(dataset, model, progress=_progress)[0]


def _load(args: argparse.Namespace, source: str) -> Dataset:
    dataset = with_vectors(load_input(argparse.Namespace(**{**vars(args), "input": source})), args.model)
    report_exclusions(dataset)
    return dataset


def _print(args: argparse.Namespace, summary: dict, text: str) -> None:
    print(json.dumps(summary) if args.format == "json" else text)


# --------------------------------------------------------------------------- outliers

def _with_excluded(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """The scores plus a row, without a score, for each input row left out; in input order."""
    if not len(dataset.excluded):
        return frame
    left_out = pd.DataFrame({"row": np.asarray(dataset.excluded.rows, dtype=np.int64), "score": np.nan,
                             "outlier": False, "text": ""})
    return pd.concat([frame, left_out[~left_out["row"].isin(frame["row"])]], ignore_index=True) \
        .sort_values("row", kind="stable", ignore_index=True)


def cmd_outliers(args: argparse.Namespace) -> int:
    """One score per input row (higher: more unusual) to a CSV; a summary with the top outliers."""
    from core.quality.outliers import find_outliers, scores_frame

    dataset = _load(args, args.input)
    result = find_outliers(dataset.require_vectors(), method=args.outlier_method, k=args.outlier_k,
                           contamination=args.contamination)
    texts, rows = dataset.texts, np.asarray(dataset.source_rows)
    write_table(_with_excluded(scores_frame(result, rows, texts), dataset), Path(args.out), raw=args.csv_raw)
    top = [{"row": int(rows[r]), "score": float(result.scores[r]), "text": str(texts[r])}
           for r in result.ranked[:TOP_LISTED]]
    summary = {"rows": len(dataset), "method": result.method, "k": result.k, "contamination": result.contamination,
               "threshold": result.threshold, "outliers": int(result.flagged.sum()), "top": top, "out": args.out}
    _print(args, summary, f"{summary['outliers']:,} of {len(dataset):,} rows flagged ({result.method}, score >= "
                          f"{result.threshold:.4g}) -> {args.out}")
    return 0


# --------------------------------------------------------------------------- duplicates

def cmd_duplicates(args: argparse.Namespace) -> int:
    """Near pairs to a CSV (row_a, row_b, cosine, both texts); counts of exact repeats, pairs and groups."""
    from core.quality.duplicates import find_duplicates, pairs_frame, removed_frame, summary

    dataset = _load(args, args.input)
    result = find_duplicates(dataset.require_vectors(), dataset.texts, threshold=args.dup_threshold)
    rows = np.asarray(dataset.source_rows)
    write_table(pairs_frame(result, rows, dataset.texts), Path(args.out), raw=args.csv_raw)
    counts = summary(result) | {"out": args.out}
    if args.dedup_out:
        write_table(dataset.frame[result.keep], Path(args.dedup_out), raw=args.csv_raw)
        write_table(removed_frame(result, rows, dataset.texts),
                    Path(args.removed_out or Path(args.dedup_out).with_suffix(".removed.csv")), raw=args.csv_raw)
    _print(args, counts, f"{counts['exact_duplicates']:,} exact repeats, {counts['pairs']:,} near pairs at cosine >= "
                         f"{result.threshold:g} in {counts['groups']:,} groups -> {args.out}")
    return 0


# --------------------------------------------------------------------------- drift

def _sides(args: argparse.Namespace) -> tuple[Dataset, np.ndarray, str, str]:
    """(the rows of both sides, True for side B, A's name, B's name)."""
    from core.quality.slices import slice_sides

    if len(args.inputs) == 2:
        a, b = (_load(args, source) for source in args.inputs)
        X_a, X_b = a.require_vectors(), b.require_vectors()
        if X_a.shape[1] != X_b.shape[1]:
            raise DataError(f"The two inputs' vectors differ in dimension ({X_a.shape[1]} and {X_b.shape[1]}); "
                            "embed both with one model.")
        frame = pd.concat([a.frame[[a.text_column]].set_axis(["text"], axis=1),
                           b.frame[[b.text_column]].set_axis(["text"], axis=1)], ignore_index=True)
        joined = Dataset(f"{a.name} + {b.name}", frame, "text", vectors=np.vstack([X_a, X_b]))
        return joined, np.r_[np.zeros(len(a), bool), np.ones(len(b), bool)], args.inputs[0], args.inputs[1]
    if len(args.inputs) != 1 or not args.batch_column:
        raise DataError("Give two inputs, or one input and --batch-column.")
    dataset = _load(args, args.inputs[0])
    side, name_a, name_b = slice_sides(dataset.frame, args.batch_column, args.a, args.b)
    dataset = dataset.subset(side >= 0, reason="on neither side")
    return dataset, side[side >= 0] == 1, name_a, name_b


def cmd_drift(args: argparse.Namespace) -> int:
    """Domain classifier AUC and MMD with permutation p-values, and the clusters whose share changed most."""
    from core.quality.clusters import joint_clusters
    from core.quality.drift import cluster_shift, interpretation, measure_drift, typical_rows

    dataset, side, name_a, name_b = _sides(args)
    X = dataset.require_vectors()
    result = measure_drift(X, side, permutations=args.permutations)
    clusters = joint_clusters(X, dataset.texts)
    shift = cluster_shift(clusters.labels, side, clusters.names).head(SHIFTED_CLUSTERS)
    typical_a, typical_b = typical_rows(result)
    summary = {**result.as_dict(), "a": name_a, "b": name_b, "interpretation": interpretation(result),
               "clusters": shift.drop(columns="cluster").to_dict(orient="records"),
               "typical_a": [str(dataset.texts[r]) for r in typical_a],
               "typical_b": [str(dataset.texts[r]) for r in typical_b]}
    _print(args, summary, f"{name_a} ({summary['rows_a']:,} rows) vs {name_b} ({summary['rows_b']:,} rows): "
                          f"AUC {result.auc:.3f} (p {result.auc_p}), MMD² {result.mmd:.4g} (p {result.mmd_p}).\n"
                          f"{summary['interpretation']}")
    return 0


def add_quality_commands(sub) -> None:
    """Register `outliers`, `duplicates` and `drift` on the CLI's subparsers."""
    outliers = sub.add_parser("outliers", help="score each row: higher means more unusual (CSV out)")
    _add_input_arguments(outliers)
    for name in ("method", "k", "contamination"):
        add_setting_argument(outliers, BY_NAME[name])
    outliers.add_argument("--out", required=True, help="output .csv or .parquet: row, score, outlier, text")
    add_csv_raw_argument(outliers)
    outliers.set_defaults(func=cmd_outliers)

    duplicates = sub.add_parser("duplicates", help="exact repeats, near-duplicate pairs and groups (CSV out)")
    _add_input_arguments(duplicates)
    add_setting_argument(duplicates, BY_NAME["threshold"])
    duplicates.add_argument("--out", required=True, help="output .csv or .parquet: row_a, row_b, cosine, text_a, "
                                                         "text_b, group")
    duplicates.add_argument("--dedup-out", help="also write the data with one row kept per duplicate group")
    duplicates.add_argument("--removed-out", help="where the removed rows are listed (default: DEDUP_OUT with "
                                                  ".removed.csv)")
    add_csv_raw_argument(duplicates)
    duplicates.set_defaults(func=cmd_duplicates)

    drift = sub.add_parser("drift", help="drift between two inputs, or two slices of one by a column")
    _add_input_arguments(drift, inputs="inputs")
    drift.add_argument("--batch-column", help="the column that splits one input into two sides")
    drift.add_argument("--a", help="side A: a value, a comparison (<=2019) or a range (2010..2019); with --b")
    drift.add_argument("--b", help="side B, as --a (both omitted: the column's two values)")
    add_setting_argument(drift, BY_NAME["permutations"])
    drift.set_defaults(func=cmd_drift)
