"""Command-line arguments shared by several commands: vector inputs, projections, clusters and CSV output."""
from __future__ import annotations

import argparse

from core.embedding.windows import LONG_TEXTS, OVERLAP, LongTexts
from core.maps.cluster_settings import CLUSTER_SETTINGS, ClusterSpec, spec_from
from core.maps.settings import SETTINGS, ProjectionParams
from core.setting import Setting


def add_vector_input_arguments(parser: argparse.ArgumentParser) -> None:
    """INPUT plus the options that say where its vectors and metadata are."""
    parser.add_argument("input", help=".npy, projector vectors.tsv, word-vector text, table with --vector-column, "
                                      "or builtin:NAME")
    parser.add_argument("--metadata", help="metadata table for a .npy or vectors.tsv")
    parser.add_argument("--vector-column", help="column holding a vector per row (for tables)")


def add_setting_argument(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """One option for a setting, with its default and its range or choices."""
    parser.add_argument(setting.flag, dest=setting.key, type=setting_parser(setting), default=setting.default,
                        metavar=(setting.cli_name or setting.key).upper() if not setting.choices else None,
                        choices=setting.choices or None, help=setting.describe().replace("%", "%%"))


def add_projection_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per projection setting (core.maps.settings), with its default and range."""
    for setting in SETTINGS:
        add_setting_argument(parser, setting)


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per cluster setting (core.maps.cluster_settings), with its default and range."""
    for setting in CLUSTER_SETTINGS:
        add_setting_argument(parser, setting)


def cluster_spec(args: argparse.Namespace) -> ClusterSpec | None:
    """The ClusterSpec named by `add_cluster_arguments`' options (None for `--clusters none`)."""
    return spec_from({s.name: getattr(args, s.key) for s in CLUSTER_SETTINGS})


def add_long_text_arguments(parser: argparse.ArgumentParser) -> None:
    """`--long-texts truncate|chunk` and `--overlap N` (core.embedding.windows)."""
    add_setting_argument(parser, LONG_TEXTS)
    add_setting_argument(parser, OVERLAP)


def long_texts(args: argparse.Namespace) -> LongTexts:
    """The LongTexts named by `add_long_text_arguments`' options."""
    return LongTexts(getattr(args, LONG_TEXTS.key), getattr(args, OVERLAP.key))


def setting_parser(setting: Setting):
    """argparse type for a setting: its bounds are checked, the message names the range."""
    def parse(text: str):
        try:
            return setting.parse(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    parse.__name__ = setting.key  # argparse names the type in its "invalid value" message
    return parse


def projection_params(args: argparse.Namespace) -> ProjectionParams:
    """The ProjectionParams named by `add_projection_arguments`' options."""
    return ProjectionParams(**{s.name: getattr(args, s.key) for s in SETTINGS})


CSV_RAW_HELP = ("write CSV values exactly; by default text cells starting with = + - @, a tab or a carriage "
                "return get a leading ' so a spreadsheet cannot run them as formulas")


def add_csv_raw_argument(parser: argparse.ArgumentParser) -> None:
    """`--csv-raw`: turn off the formula guard on the command's CSV output."""
    parser.add_argument("--csv-raw", action="store_true", help=CSV_RAW_HELP)
