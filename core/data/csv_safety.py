"""CSV that a spreadsheet cannot run: text cells guarded against formula (CSV) injection, as OWASP advises.

A text cell or column name that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
leading `'`, which Excel and LibreOffice read as "this is text". Number columns, and text that is
a plain number such as "-1.5", are written as they are. Lines end with CRLF, so any field that holds
a carriage return or a line feed is quoted and cannot start an unguarded row. `raw=True` writes
every value exactly, for programs that read the file.
"""
from __future__ import annotations

import re
from numbers import Number
from pathlib import Path

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
LINE_END = "\r\n"
KEPT_KINDS = "biufcM"  # bool, integer, float, complex and datetime columns are never touched
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula (plain numbers like "-1.5" are not)."""
    return text.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def guard_cell(value: object) -> object:
    """The value with the guard prefix when its text starts like a formula; numbers and missing values as they are."""
    if value is None or isinstance(value, (Number, np.number, np.bool_)):
        return value
    text = value if isinstance(value, str) else str(value)
    return GUARD + text if is_dangerous(text) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot start a formula; number columns are untouched."""
    out = frame.copy(deep=False)
    for position, dtype in enumerate(frame.dtypes):
        if dtype.kind not in KEPT_KINDS:
            out.isetitem(position, frame.iloc[:, position].astype(object).map(guard_cell))
    return out.set_axis([guard_cell(c) for c in frame.columns], axis=1)


def to_csv(frame: pd.DataFrame, *, raw: bool = False, **options) -> str:
    """The frame as CSV text without its index, guarded unless `raw`; `options` go to pandas' to_csv."""
    table = frame if raw else neutralise_frame(frame)
    return table.to_csv(index=False, lineterminator=LINE_END, **options)


def to_csv_bytes(frame: pd.DataFrame, *, raw: bool = False, **options) -> bytes:
    """`to_csv` encoded as UTF-8, ready for a download or a file."""
    return to_csv(frame, raw=raw, **options).encode("utf-8")


def write_csv(frame: pd.DataFrame, path: str | Path, *, raw: bool = False, **options) -> None:
    """Write `to_csv_bytes` to `path` byte for byte (no newline translation)."""
    Path(path).write_bytes(to_csv_bytes(frame, raw=raw, **options))
