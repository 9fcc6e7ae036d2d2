"""What the commands write: tables to a file or to stdout, CSV guarded against formulas unless --csv-raw."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from core.data.csv_safety import to_csv, write_csv
from core.maps.export import to_parquet_bytes


def write_table(frame: pd.DataFrame, path: Path, *, raw: bool = False) -> None:
    """Parquet for a .parquet path (values exact; mixed-type columns as text), else CSV."""
    if path.suffix.lower() == ".parquet":
        path.write_bytes(to_parquet_bytes(frame))
    else:
        write_csv(frame, path, raw=raw)


def print_csv(frame: pd.DataFrame, *, raw: bool = False, **options) -> None:
    """The table as CSV on stdout; `options` go to pandas' to_csv (e.g. float_format)."""
    sys.stdout.write(to_csv(frame, raw=raw, **options))
    sys.stdout.flush()


def note_first_load(model_key: str) -> None:
    """On stderr: the one-off build a model's first load on this machine does (nothing once it is built)."""
    from core.embedding.models import first_load_note

    note = first_load_note(model_key)
    if note:
        print(note, file=sys.stderr, flush=True)
