"""Read user files (tables, vectors, word vectors) into a `Dataset`.

Every problem a user can fix is raised as `DataError` with a message that says
what was wrong and what to do about it.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd
from charset_normalizer.md import mess_ratio

from core.errors import DataError
from core.table import Dataset, Exclusions

MAX_ROWS = 2_000_000

TABLE_EXTENSIONS = (".csv", ".tsv", ".tab", ".json", ".jsonl", ".ndjson", ".parquet", ".txt")
TEXT_COLUMN_NAMES = ("text", "sentence", "document", "word")
NA_TOKENS = frozenset({"nan", "na", "n/a", "null", "none"})

_SAVE_AS_UTF8 = "Re-save it as UTF-8 (in Excel: Save As > CSV UTF-8) and try again."
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NUMBER_SPLIT = re.compile(r"[,\s]+")
_WORD_SPLIT = re.compile(r"[ \t]+")
_LEADING_ZERO = re.compile(r"^[+-]?0\d")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- text decoding


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """Decode file bytes to text; return (text, name of the encoding used)."""
    if not data:
        raise DataError(f"{filename} is empty. Choose a file that contains data.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data, encoding, filename), encoding
    if b"\x00" in data:
        raise _not_text(filename)
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _detect_encoding(data, filename)
    if _looks_binary(text):
        raise _not_text(filename)
    return text, encoding


def _decode_strict(data: bytes, encoding: str, filename: str) -> str:
    """Decode with a known encoding, turning decode errors into a DataError."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise DataError(
            f"{filename} starts with a {encoding} marker but is not valid {encoding} "
            f"(bad bytes at position {err.start}). {_SAVE_AS_UTF8}"
        ) from None


def _detect_encoding(data: bytes, filename: str) -> tuple[str, str]:
    """Guess a legacy encoding, preferring cp1252 when it reads as cleanly as the best guess."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise _not_text(filename)
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and mess_ratio(western[:100_000], 1.0) <= max(best.chaos, 0.1) + 1e-9:
        return western, "cp1252"
    return str(best), best.encoding


def _looks_binary(text: str) -> bool:
    """True when more than 1% of the characters are control characters."""
    return len(_CONTROL_CHARS.findall(text)) > max(1, len(text) // 100)


def _not_text(filename: str) -> DataError:
    return DataError(f"{filename} is not text in a known encoding. {_SAVE_AS_UTF8}")


# ---------------------------------------------------------------- tables


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


def _json_payload_to_frame(payload: object, filename: str) -> pd.DataFrame:
    """Turn parsed JSON (list of records, list of strings, or dict of columns) into a frame."""
    shape_help = (
        'Expected an array of objects ([{"text": ...}, ...]) '
        'or an object of equal-length columns ({"text": [...], ...}).'
    )
    if isinstance(payload, list) and all(isinstance(item, dict) for item in payload):
        return pd.DataFrame.from_records(payload)
    if isinstance(payload, list) and all(isinstance(item, str) for item in payload):
        return pd.DataFrame({"text": payload})
    if isinstance(payload, dict):
        try:
            return pd.DataFrame(payload).reset_index(drop=True)
        except ValueError as err:
            raise DataError(f"{filename} could not be read as a table ({err}). {shape_help}") from None
    raise DataError(f"{filename} does not hold a table. {shape_help}")


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
    return pd.DataFrame.from_records(records)


def _read_parquet(data: bytes, filename: str) -> pd.DataFrame:
    """Read a Parquet file, keeping a named index as a column."""
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several unrelated types for bad files
        raise DataError(
            f"{filename} could not be read as Parquet ({type(err).__name__}: {err}). "
            "The file may be damaged or not a Parquet file; export it again."
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


# ---------------------------------------------------------------- vectors


def parse_vector_column(values: pd.Series) -> tuple[np.ndarray, list[int], list[str]]:
    """Parse a column of vectors; return (float32 matrix of good rows, bad positions, reasons).

    Cells may be lists, arrays, or strings like "[0.1, 0.2]" or "0.1 0.2".
    Positions are 0-based positions in `values`, not index labels.
    """
    parsed = [_parse_vector_cell(cell) for cell in values.tolist()]
    excluded = Exclusions()
    matrix, _ = _stack_vectors(parsed, list(range(len(parsed))), excluded)
    if matrix.shape[0] == 0:
        column = f"Column {values.name!r}" if values.name is not None else "The vector column"
        raise DataError(
            f"{column} has no usable vectors. {excluded.summary()} "
            'Each cell must be a list of numbers such as "[0.1, 0.2, 0.3]".'
        )
    return matrix, excluded.rows, excluded.reasons


def _parse_vector_cell(cell: object) -> np.ndarray | None:
    """One cell as a 1-D float64 array, or None when it is not a vector."""
    if isinstance(cell, str):
        body = cell.strip().strip("[]()").strip()
        if not body:
            return None
        try:
            return np.array([float(tok) for tok in _NUMBER_SPLIT.split(body)], dtype=np.float64)
        except ValueError:
            return None
    if isinstance(cell, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(cell, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        return array if array.ndim == 1 and array.size > 0 else None
    return None


def _stack_vectors(
    parsed: list[np.ndarray | None], row_ids: list[int], excluded: Exclusions,
    expected: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stack parsed vectors of the common length into float32; return (matrix, keep mask).

    Unparseable, wrong-length and non-finite rows are recorded in `excluded`.
    `expected` fixes the dimension; by default the most common length is used.
    """
    lengths = Counter(len(v) for v in parsed if v is not None)
    if expected is None and lengths:
        expected = lengths.most_common(1)[0][0]
    keep = np.zeros(len(parsed), dtype=bool)
    for i, vector in enumerate(parsed):
        if vector is None:
            excluded.add(row_ids[i], "unparseable vector")
        elif len(vector) != expected:
            excluded.add(row_ids[i], f"wrong dimension (got {len(vector)}, expected {expected})")
        else:
            keep[i] = True
    good = [v for v, k in zip(parsed, keep) if k]
    with np.errstate(over="ignore"):
        matrix = np.vstack(good).astype(np.float32) if good else np.empty((0, expected or 0), np.float32)
    finite = exclude_nonfinite(matrix, excluded, [row_ids[i] for i in np.flatnonzero(keep)])
    keep[np.flatnonzero(keep)[~finite]] = False
    _sort_exclusions(excluded)
    return matrix[finite], keep


def exclude_nonfinite(vectors: np.ndarray, excluded: Exclusions, row_ids: Sequence[int]) -> np.ndarray:
    """Record rows holding NaN or inf in `excluded`; return the boolean mask of rows to keep."""
    keep = np.isfinite(vectors).all(axis=1) if vectors.size else np.ones(len(vectors), dtype=bool)
    for i in np.flatnonzero(~keep):
        excluded.add(row_ids[i], "NaN or inf in vector")
    return keep


def _sort_exclusions(excluded: Exclusions) -> None:
    """Order exclusions by row number, in place."""
    pairs = sorted(zip(excluded.rows, excluded.reasons), key=lambda pair: pair[0])
    excluded.rows[:] = [row for row, _ in pairs]
    excluded.reasons[:] = [reason for _, reason in pairs]


# ---------------------------------------------------------------- table -> dataset


def table_to_dataset(
    frame: pd.DataFrame,
    *,
    name: str,
    text_column: str,
    metadata_columns: list[str] | None = None,
    vector_column: str | None = None,
) -> Dataset:
    """Build a Dataset from a table, dropping rows with empty text or bad vectors."""
    vector_columns = [vector_column] if vector_column else []
    _require_columns(frame, [text_column, *(metadata_columns or []), *vector_columns], name)
    if vector_column == text_column:
        raise DataError(
            f"Column {text_column!r} cannot be both the text and the vector column. "
            "Choose two different columns."
        )
    if metadata_columns is None:
        metadata_columns = [c for c in frame.columns if c not in (text_column, vector_column)]
    metadata_columns = [c for c in metadata_columns if c not in (text_column, vector_column)]
    excluded = Exclusions()
    keep = _nonempty_text_mask(frame[text_column])
    for pos in np.flatnonzero(~keep):
        excluded.add(int(pos), "empty text")
    vectors = None
    if vector_column is not None:
        vectors, keep = _vectors_for_rows(frame[vector_column], keep, excluded)
    _sort_exclusions(excluded)
    if not keep.any():
        raise DataError(
            f"Every row of {name} was excluded. {excluded.summary()} "
            "Choose a different text or vector column, or fix the file."
        )
    kept = frame.loc[keep, [text_column, *metadata_columns]].reset_index(drop=True)
    kept[text_column] = kept[text_column].map(str).astype(object)
    return Dataset(name=name, frame=kept, text_column=text_column, vectors=vectors, excluded=excluded,
                   source_rows=np.flatnonzero(keep))


def _require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    """Raise DataError naming the first column that is not in `frame`."""
    for column in columns:
        if column not in frame.columns:
            available = ", ".join(map(str, frame.columns))
            raise DataError(f"Column {column!r} not found in {name}. Available columns: {available}.")


def _nonempty_text_mask(texts: pd.Series) -> np.ndarray:
    """True where the cell has non-whitespace text."""
    return np.array([not _is_missing(t) and str(t).strip() != "" for t in texts.tolist()], dtype=bool)


def _is_missing(value: object) -> bool:
    """True for None and float NaN / pandas NA scalars."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and np.isnan(value)


def _vectors_for_rows(
    column: pd.Series, keep: np.ndarray, excluded: Exclusions
) -> tuple[np.ndarray, np.ndarray]:
    """Parse vectors for rows still kept; return (matrix for final rows, final keep mask)."""
    positions = np.flatnonzero(keep)
    if len(positions) == 0:
        return np.empty((0, 0), np.float32), keep
    subset = column.iloc[positions].reset_index(drop=True)
    matrix, bad, reasons = parse_vector_column(subset)
    for pos, reason in zip(bad, reasons):
        excluded.add(int(positions[pos]), reason)
    keep = keep.copy()
    keep[positions[bad]] = False
    return matrix, keep


# ---------------------------------------------------------------- .npy


def load_npy(
    data: bytes, *, name: str, metadata: pd.DataFrame | None = None, label_column: str | None = None
) -> Dataset:
    """Load a 2-D numeric .npy array of vectors, with optional per-row metadata."""
    vectors = _load_npy_matrix(data, name)
    if metadata is not None and len(metadata) != len(vectors):
        raise DataError(
            f"{name} has {len(vectors):,} vectors but the metadata table has {len(metadata):,} rows. "
            "They must match row for row."
        )
    frame = pd.DataFrame(index=range(len(vectors))) if metadata is None else metadata.reset_index(drop=True)
    frame, text_column = _with_label_column(frame, label_column, name)
    excluded = Exclusions()
    keep = exclude_nonfinite(vectors, excluded, list(range(len(vectors))))
    if not keep.any():
        raise DataError(
            f"All {len(vectors)} vectors in {name} contain NaN or inf values. Check how the file was made."
        )
    return Dataset(
        name=name, frame=frame[keep], text_column=text_column, vectors=vectors[keep], excluded=excluded
    )


def _load_npy_matrix(data: bytes, name: str) -> np.ndarray:
    """Read .npy bytes safely (never unpickling) and check it is a non-empty numeric matrix."""
    if not data:
        raise DataError(f"{name} is empty. Choose a file that contains data.")
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{name} is an .npz archive. Save a single array with numpy.save(...) to a .npy file."
        )
    if not data.startswith(b"\x93NUMPY"):
        raise DataError(f"{name} is not a NumPy .npy file. Save the vectors with numpy.save(...).")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as err:
        if "allow_pickle" in str(err):
            raise DataError(
                f"{name} contains Python objects; only plain numeric arrays are accepted. "
                "Convert it with numpy.asarray(vectors, dtype='float32') and save again."
            ) from None
        raise _damaged_npy(name, err) from None
    except (OSError, EOFError) as err:
        raise _damaged_npy(name, err) from None
    return _check_matrix(array, name)


def _damaged_npy(name: str, err: Exception) -> DataError:
    return DataError(f"{name} could not be read as a .npy file ({err}). It may be damaged; save it again.")


def _check_matrix(array: np.ndarray, name: str) -> np.ndarray:
    """Require a non-empty 2-D array of real numbers; return it as float32."""
    if array.dtype.kind not in "biuf":
        raise DataError(
            f"{name} holds {array.dtype} values, not real numbers. Save a float array with numpy.save(...)."
        )
    if array.ndim != 2:
        hint = " For a single vector use vector.reshape(1, -1)." if array.ndim == 1 else ""
        raise DataError(
            f"{name} has shape {array.shape}; expected a 2-D array with one vector per row "
            f"(rows, dimensions).{hint}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise DataError(f"{name} is empty (shape {array.shape}). Choose a file that contains vectors.")
    if array.shape[0] > MAX_ROWS:
        raise _too_many_rows(name)
    with np.errstate(over="ignore"):
        return array.astype(np.float32)


def _with_label_column(frame: pd.DataFrame, label_column: str | None, name: str) -> tuple[pd.DataFrame, str]:
    """Pick the text column: `label_column`, else the first string column, else generated 'row N' labels."""
    if label_column is not None:
        _require_columns(frame, [label_column], f"the metadata for {name}")
        frame = frame.copy()
        frame[label_column] = frame[label_column].map(_label_text).astype(object)
        return frame, label_column
    found = _first_string_column(frame)
    if found is not None:
        return frame, found
    column = _free_name(frame, "label")
    frame = frame.copy()
    frame.insert(0, column, [f"row {i}" for i in range(len(frame))])
    return frame, column


def _label_text(value: object) -> str:
    """A cell as display text, with missing values as ''."""
    return "" if _is_missing(value) else str(value)


def _first_string_column(frame: pd.DataFrame) -> str | None:
    """Name of the first column whose non-missing cells are all strings."""
    for column in frame.columns:
        sample = [v for v in frame[column].head(1000).tolist() if not _is_missing(v)]
        if sample and all(isinstance(v, str) for v in sample):
            return column
    return None


def _free_name(frame: pd.DataFrame, base: str) -> str:
    """`base`, or `base_2`, `base_3`, … — whichever is not already a column."""
    name, n = base, 1
    while name in frame.columns:
        n += 1
        name = f"{base}_{n}"
    return name


# ---------------------------------------------------------------- projector TSV


def load_projector_tsv(vectors: bytes, metadata: bytes | None = None, *, name: str) -> Dataset:
    """Load TensorFlow Embedding Projector files: vectors.tsv and optional metadata.tsv."""
    lines = _nonblank_tail(decode_text(vectors, f"{name} vectors file")[0].splitlines())
    if len(lines) > MAX_ROWS:
        raise _too_many_rows(f"{name} vectors file")
    frame = pd.DataFrame(index=range(len(lines)))
    if metadata is not None:
        frame = _read_projector_metadata(metadata, name)
        if len(frame) != len(lines):
            raise DataError(
                f"{name}: the vectors file has {len(lines):,} rows but the metadata file has {len(frame):,}. "
                "They must match line for line (a metadata file with several columns "
                "also has one header line)."
            )
    text_column = frame.columns[0] if len(frame.columns) else None
    if text_column is None:
        frame, text_column = _with_label_column(frame, None, name)
    else:
        frame[text_column] = frame[text_column].map(_label_text).astype(object)
    excluded = Exclusions()
    parsed = [_parse_tsv_vector(line) for line in lines]
    matrix, keep = _stack_vectors(parsed, list(range(len(parsed))), excluded)
    if not keep.any():
        raise DataError(
            f"{name}: no line of the vectors file is a usable vector. {excluded.summary()} "
            "Each line must be numbers separated by tabs."
        )
    return Dataset(name=name, frame=frame[keep], text_column=text_column, vectors=matrix, excluded=excluded)


def _nonblank_tail(lines: list[str]) -> list[str]:
    """Drop blank lines at the end of a file (blank lines in the middle are kept as rows)."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _parse_tsv_vector(line: str) -> np.ndarray | None:
    """One vectors.tsv line (tab- or space-separated numbers) as float64, or None."""
    tokens = line.strip().split("\t") if "\t" in line else line.split()
    if not tokens or tokens == [""]:
        return None
    try:
        return np.array([float(tok) for tok in tokens], dtype=np.float64)
    except ValueError:
        return None


def _read_projector_metadata(data: bytes, name: str) -> pd.DataFrame:
    """metadata.tsv: one label per line when there is a single column, else a header plus rows."""
    filename = f"{name} metadata file"
    text, _ = decode_text(data, filename)
    lines = _nonblank_tail(text.splitlines())
    if not lines:
        raise DataError(f"{filename} is empty. Choose a file that contains labels.")
    if not any("\t" in line for line in lines):
        return pd.DataFrame({"label": pd.Series(lines, dtype=object)})
    frame = _parse_delimited("\n".join(lines), filename, "\t", quoting=csv.QUOTE_NONE, skip_blank_lines=False)
    frame.columns = _unique_names(frame.columns)
    return frame


# ---------------------------------------------------------------- word vectors


def load_word_vectors(data: bytes, *, name: str, limit: int | None = None) -> Dataset:
    """Load GloVe ("word v1 v2 …") or word2vec text ("N D" header line) word vectors."""
    lines = decode_text(data, name)[0].splitlines()
    dimension, skip = _word2vec_header(lines)
    entries = [(i + 1, line) for i, line in enumerate(lines) if line.strip()][skip:]
    if limit is not None:
        entries = entries[: max(limit, 0)]
    if len(entries) > MAX_ROWS:
        raise _too_many_rows(name)
    if dimension is None:
        dimension = _common_dimension([line for _, line in entries[:1000]])
    if dimension < 1:
        raise DataError(
            f"{name} does not look like word vectors. Each line must be a word followed by numbers "
            "separated by spaces (GloVe), optionally after a first line 'COUNT DIMENSION' (word2vec)."
        )
    excluded = Exclusions()
    words, parsed = [], []
    for row, (lineno, line) in enumerate(entries):
        word, vector, problem = _parse_word_line(line, dimension)
        words.append(word)
        parsed.append(vector)
        if problem:
            excluded.add(row, f"{problem} (line {lineno})")
    return _word_dataset(words, parsed, dimension, excluded, name)


def _word_dataset(
    words: list[str], parsed: list[np.ndarray | None], dimension: int, excluded: Exclusions, name: str
) -> Dataset:
    """Assemble the word-vector Dataset from parsed lines (None marks lines already excluded)."""
    good_rows = [i for i, v in enumerate(parsed) if v is not None]
    if good_rows:
        matrix = np.vstack([parsed[i] for i in good_rows]).astype(np.float32)
    else:
        matrix = np.empty((0, dimension), np.float32)
    finite = exclude_nonfinite(matrix, excluded, good_rows)
    _sort_exclusions(excluded)
    keep_rows = [row for row, ok in zip(good_rows, finite) if ok]
    if not keep_rows:
        raise DataError(
            f"{name} has no usable word vectors. {excluded.summary()} "
            "Each line must be a word followed by numbers separated by spaces."
        )
    frame = pd.DataFrame({"word": pd.Series([words[i] for i in keep_rows], dtype=object)})
    return Dataset(name=name, frame=frame, text_column="word", vectors=matrix[finite], excluded=excluded,
                   source_rows=np.asarray(keep_rows))


def _word2vec_header(lines: list[str]) -> tuple[int | None, int]:
    """(dimension, 1) when the first line is a word2vec 'N D' header, else (None, 0)."""
    first = lines[0].split() if lines else []
    if len(first) == 2 and all(tok.isdigit() for tok in first):
        return int(first[1]), 1
    return None, 0


def _common_dimension(lines: list[str]) -> int:
    """Most common number of values per line (tokens minus the word)."""
    counts = Counter(len(_WORD_SPLIT.split(line.strip())) - 1 for line in lines)
    return counts.most_common(1)[0][0] if counts else 0


def _parse_word_line(line: str, dimension: int) -> tuple[str, np.ndarray | None, str | None]:
    """Split a line into (word, vector, problem); a word may contain spaces (GloVe 840B)."""
    tokens = _WORD_SPLIT.split(line.strip())
    cut = len(tokens) - dimension
    if cut < 1 or (cut > 1 and any(_is_number(tok) for tok in tokens[1:cut])):
        return tokens[0], None, f"wrong number of values (got {len(tokens) - 1}, expected {dimension})"
    word = " ".join(tokens[:cut])
    try:
        return word, np.array([float(tok) for tok in tokens[cut:]], dtype=np.float64), None
    except ValueError:
        return word, None, "non-numeric value"


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- paths (CLI)


def load_path(
    path: str | Path,
    *,
    text_column: str | None = None,
    vector_column: str | None = None,
    metadata_path: str | None = None,
) -> Dataset:
    """Load any supported file from disk, choosing the loader from its name and content."""
    path = Path(path)
    data = _read_file(path)
    ext = path.suffix.lower()
    meta_path = Path(metadata_path) if metadata_path else None
    if ext == ".npy":
        metadata = read_table(_read_file(meta_path), meta_path.name) if meta_path else None
        return load_npy(data, name=path.stem, metadata=metadata, label_column=text_column)
    if ext in (".tsv", ".tab") and _is_projector_vectors(path, data, meta_path):
        if meta_path is None and (path.parent / "metadata.tsv").is_file():
            meta_path = path.parent / "metadata.tsv"
        metadata = _read_file(meta_path) if meta_path else None
        dataset = load_projector_tsv(data, metadata, name=path.stem)
        return _use_text_column(dataset, text_column)
    if meta_path is not None:
        raise DataError("A metadata file can only be used with .npy vectors or a projector vectors.tsv file.")
    if ext == ".vec" or (ext == ".txt" and _looks_like_word_vectors(data)):
        return _use_text_column(load_word_vectors(data, name=path.stem), text_column)
    frame = read_table(data, path.name)
    column = text_column or default_text_column(frame, exclude=vector_column)
    return table_to_dataset(frame, name=path.stem, text_column=column, vector_column=vector_column)


def _read_file(path: Path) -> bytes:
    """File bytes, with DataError when it is missing or not a file."""
    if not path.exists():
        raise DataError(f"File not found: {path}. Check the path and try again.")
    if not path.is_file():
        raise DataError(f"{path} is not a file. Give the path of a data file.")
    return path.read_bytes()


def _is_projector_vectors(path: Path, data: bytes, meta_path: Path | None) -> bool:
    """True for 'vectors.tsv', or any TSV given with metadata whose lines are all numbers."""
    if path.name.lower() == "vectors.tsv":
        return True
    if meta_path is None:
        return False
    text, _ = decode_text(data, path.name)
    lines = [line for line in text.splitlines()[:100] if line.strip()]
    return bool(lines) and all(_parse_tsv_vector(line) is not None for line in lines)


def _looks_like_word_vectors(data: bytes) -> bool:
    """True when the first lines look like 'N D' or 'word number number …'."""
    head = data[:200_000].decode("utf-8", errors="replace").splitlines()[:6]
    head = [line for line in head if line.strip()]
    dimension, skip = _word2vec_header(head)
    body = head[skip:]
    if not body:
        return dimension is not None
    return all(len(tokens) >= 3 and all(_is_number(t) for t in tokens[1:])
               for tokens in (_WORD_SPLIT.split(line.strip()) for line in body[:5]))


def _use_text_column(dataset: Dataset, text_column: str | None) -> Dataset:
    """Switch the dataset's text column when the user named one."""
    if text_column is None or text_column == dataset.text_column:
        return dataset
    _require_columns(dataset.frame, [text_column], dataset.name)
    dataset.frame[text_column] = dataset.frame[text_column].map(_label_text).astype(object)
    dataset.text_column = text_column
    return dataset


def default_text_column(frame: pd.DataFrame, exclude: str | None = None) -> str:
    """A column named text/sentence/document/word (any case), else the first string column."""
    candidates = frame.drop(columns=[exclude]) if exclude in frame.columns else frame
    by_lower = {str(c).lower(): c for c in reversed(list(candidates.columns))}
    for wanted in TEXT_COLUMN_NAMES:
        if wanted in by_lower:
            return by_lower[wanted]
    found = _first_string_column(candidates)
    if found is None:
        available = ", ".join(map(str, frame.columns))
        raise DataError(
            f"No column of text found (columns: {available}). "
            "Choose which column holds the text (--column on the command line)."
        )
    return found
