"""Command-line arguments shared by several commands: vector inputs, projections and CSV output."""
from __future__ import annotations

import argparse

from core.maps.projection import METHODS, METRICS, ProjectionParams


def add_vector_input_arguments(parser: argparse.ArgumentParser) -> None:
    """INPUT plus the options that say where its vectors and metadata are."""
    parser.add_argument("input", help=".npy, projector vectors.tsv, word-vector text, table with --vector-column, "
                                      "or builtin:NAME")
    parser.add_argument("--metadata", help="metadata table for a .npy or vectors.tsv")
    parser.add_argument("--vector-column", help="column holding a vector per row (for tables)")


def add_projection_arguments(parser: argparse.ArgumentParser) -> None:
    """The projection's method, dimensions, parameters, metric and seed."""
    defaults = ProjectionParams()
    parser.add_argument("--method", choices=METHODS, default=defaults.method)
    parser.add_argument("--dims", type=int, choices=(2, 3), default=defaults.n_components)
    parser.add_argument("--neighbors", type=int, default=defaults.n_neighbors, help="UMAP n_neighbors")
    parser.add_argument("--min-dist", type=float, default=defaults.min_dist, help="UMAP min_dist")
    parser.add_argument("--perplexity", type=float, default=defaults.perplexity, help="t-SNE perplexity")
    parser.add_argument("--metric", choices=METRICS, default=defaults.metric)
    parser.add_argument("--seed", type=int, default=defaults.random_state)


def projection_params(args: argparse.Namespace) -> ProjectionParams:
    """The ProjectionParams named by `add_projection_arguments`' options."""
    return ProjectionParams(method=args.method, n_components=args.dims, n_neighbors=args.neighbors,
                            min_dist=args.min_dist, perplexity=args.perplexity, metric=args.metric,
                            random_state=args.seed)


CSV_RAW_HELP = ("write CSV values exactly; by default text cells starting with = + - @, a tab or a carriage "
                "return get a leading ' so a spreadsheet cannot run them as formulas")


def add_csv_raw_argument(parser: argparse.ArgumentParser) -> None:
    """`--csv-raw`: turn off the formula guard on the command's CSV output."""
    parser.add_argument("--csv-raw", action="store_true", help=CSV_RAW_HELP)
