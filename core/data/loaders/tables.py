"""Read table files (csv, tsv, json, jsonl, parquet, txt) into a pandas DataFrame."""
from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.loaders.text import decode_text
from core.errors import DataError

_log = logging.getLogger(__name__)
MAX_ROWS = 2_000_000
TABLE_EXTENSIONS = (".csv", ".tsv", ".tab", ".json", ".jsonl", ".ndjson", ".parquet", ".txt")
NA_TOKENS = frozenset({"nan", "na", "n/a", "null", "none"})
_LEADING_ZERO = re.compile(r"^[+-]?0\d")


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read a table file (csv, tsv, json, jsonl, parquet, txt) chosen by its extension."""
    ext = Path(filename).suffix.lower()
    readers = {
        ".csv": lambda: _read_delimited(data, filename, ","),
        ".tsv": lambda: _read_delimited(data, filename, "\t"),
        ".tab": lambda: _read_delimited(data, filename, "\t"),
        ".json": lambda: _read_json(data, filename),
        ".jsonl": lambda: _read_jsonl(data, filename),
        ".ndjson": lambda: _read_jsonl(data, filename),
        ".parquet": lambda: _read_parquet(data, filename),
        ".txt": lambda: _read_lines(data, filename),
    }
    if ext not in readers:
        supported = ", ".join(TABLE_EXTENSIONS)
        raise DataError(
            f"{filename}: files of type '{ext or '(no extension)'}' are not supported. "
            f"Use one of: {supported}."
        )
    frame = readers[ext]()
    frame.columns = _unique_names(frame.columns)
    _check_table_shape(frame, filename)
    return frame


def _check_table_shape(frame: pd.DataFrame, filename: str) -> None:
    """Refuse tables with no rows, no columns, or more than MAX_ROWS rows."""
    if frame.shape[1] == 0:
        raise DataError(f"{filename} has no columns. Check that it is a table with a header row.")
    if frame.shape[0] == 0:
        raise DataError(f"{filename} has no data rows (only a header, or nothing). Add rows and try again.")
    if frame.shape[0] > MAX_ROWS:
        raise _too_many_rows(filename)


def _too_many_rows(filename: str) -> DataError:
    return DataError(
        f"{filename} has more than {MAX_ROWS:,} rows, which is more than this app can handle. "
        f"Take a random sample of the file first (e.g. 100,000 rows) and load that."
    )


def _unique_names(names: Sequence[object]) -> list[str]:
    """Column names as unique, non-empty strings ('a', 'a_2', 'column_3', …)."""
    result: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        base = str(raw).strip() or f"column_{i + 1}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        result.append(name)
    return result


def _read_delimited(data: bytes, filename: str, sep: str) -> pd.DataFrame:
    """Read CSV/TSV with every cell as a string, then make all-number columns numeric."""
    text, _ = decode_text(data, filename)
    return _parse_delimited(text, filename, _sniff_separator(text, sep))


def _parse_delimited(
    text: str, filename: str, sep: str, *, quoting: int = csv.QUOTE_MINIMAL, skip_blank_lines: bool = True
) -> pd.DataFrame:
    """Parse delimited text keeping words like 'nan'/'null' as strings; numeric columns become numbers."""
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[],
            index_col=False, quoting=quoting, skip_blank_lines=skip_blank_lines, nrows=MAX_ROWS + 1,
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{filename} has no columns. Check that it is a table with a header row.") from None
    except (pd.errors.ParserError, ValueError) as err:
        raise DataError(_parser_message(filename, err)) from None
    for column in frame.columns:
        frame[column] = _numeric_if_possible(frame[column].fillna(""))
    return frame


def _sniff_separator(text: str, sep: str) -> str:
    """Use ';' for a '.csv' whose header has semicolons but no commas (Excel in many locales)."""
    header = text.split("\n", 1)[0]
    if sep == "," and "," not in header and ";" in header:
        return ";"
    return sep


def _parser_message(filename: str, err: Exception) -> str:
    """A user-facing description of a pandas CSV parsing error."""
    detail = str(err).strip().replace("Error tokenizing data. C error: ", "")
    return (
        f"{filename} could not be read as a table: {detail}. "
        "Check that quotes are closed and every row has the same number of fields as the header."
    )


def _numeric_if_possible(column: pd.Series) -> pd.Series:
    """Convert a column of strings to numbers when every non-empty cell is a finite number.

    Cells like 'NA' or 'null' count as missing only when the column also has real
    numbers; a column of words stays text. Codes with leading zeros ('007') stay text.
    """
    stripped = column.str.strip()
    missing = (stripped == "") | stripped.str.lower().isin(NA_TOKENS)
    present = stripped[~missing]
    if present.empty or present.str.match(_LEADING_ZERO).any():
        return column
    numbers = pd.to_numeric(present, errors="coerce")
    if numbers.isna().any() or not np.isfinite(numbers.to_numpy(dtype=float)).all():
        return column
    return pd.to_numeric(stripped.where(~missing), errors="coerce")


def _read_json(data: bytes, filename: str) -> pd.DataFrame:
    """Read JSON holding an array of objects or an object of columns."""
    text, _ = decode_text(data, filename)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(
            f"{filename} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}. "
            "Fix the file there and try again."
        ) from None
    return _json_payload_to_frame(payload, filename)


_JSON_SHAPES = ('Expected an array of objects ([{"text": ...}, ...]) '
                'or an object of equal-length columns ({"text": [...], ...}).')


def _json_payload_to_frame(payload: object, filename: str) -> pd.DataFrame:
    """Turn parsed JSON (list of records, list of strings, or dict of columns) into a frame."""
    if isinstance(payload, list) and all(isinstance(item, dict) for item in payload):
        return records_to_frame(payload)
    if isinstance(payload, list) and all(isinstance(item, str) for item in payload):
        return pd.DataFrame({"text": payload})
    if isinstance(payload, dict):
        return _columns_to_frame(payload, filename)
    raise DataError(f"{filename} does not hold a table. {_JSON_SHAPES}")


def _columns_to_frame(payload: dict, filename: str) -> pd.DataFrame:
    """An object of columns as a frame; a nested object (not a column of values) is refused by name."""
    nested = [key for key, value in payload.items() if not isinstance(value, list)]
    if nested:
        key = nested[0]
        rows = payload[key]
        where = f'"{key}" holds {_json_kind(rows)}, not a column of values'
        if isinstance(rows, dict) and any(isinstance(v, list) for v in rows.values()):
            where += f'; if the rows are inside it, save "{key}" on its own'
        raise DataError(f"{filename} is a nested JSON object: {where}. {_JSON_SHAPES}")
    try:
        return pd.DataFrame(payload).reset_index(drop=True)
    except ValueError as err:
        raise DataError(f"{filename} could not be read as a table ({err}). {_JSON_SHAPES}") from None


def _json_kind(value: object) -> str:
    """'an object', 'a number', ... for a parsed JSON value."""
    kinds = {dict: "an object", str: "a string", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), "a value")


def _read_jsonl(data: bytes, filename: str) -> pd.DataFrame:
    """Read JSON Lines: one JSON object per non-blank line."""
    text, _ = decode_text(data, filename)
    records = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(
                f"{filename} has invalid JSON on line {lineno}: {err.msg} (column {err.colno}). "
                "Each line must be one complete JSON object."
            ) from None
        if not isinstance(record, dict):
            raise DataError(
                f"{filename}: line {lineno} is not a JSON object. "
                'Each line must look like {"text": ...}.'
            )
        records.append(record)
        if len(records) > MAX_ROWS:
            raise _too_many_rows(filename)
    return records_to_frame(records)


def records_to_frame(records: list[dict]) -> pd.DataFrame:
    """JSON records as a frame; nested objects become dotted columns ("meta.year"), lists stay cells."""
    if any(isinstance(value, dict) for record in records for value in record.values()):
        return pd.json_normalize(records)
    return pd.DataFrame.from_records(records)


def _read_parquet(data: bytes, filename: str) -> pd.DataFrame:
    """Read a Parquet file, keeping a named index as a column."""
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several unrelated types for bad files
        _log.warning("%s could not be read as Parquet: %r", filename, err)
        raise DataError(
            f"{filename} could not be read as Parquet: the file may be damaged or not a Parquet file; export it again."
        ) from None
    named_index = any(name is not None for name in frame.index.names)
    return frame.reset_index(drop=not named_index)


def _read_lines(data: bytes, filename: str) -> pd.DataFrame:
    """Read a text file as one item per non-blank line, in column 'text'."""
    text, _ = decode_text(data, filename)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_ROWS:
        raise _too_many_rows(filename)
    return pd.DataFrame({"text": pd.Series(lines, dtype=object)})
