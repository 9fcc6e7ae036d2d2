"""Load TensorFlow Embedding Projector files: vectors.tsv and an optional metadata.tsv."""
from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from core.data.loaders.columns import _label_text, _with_label_column
from core.data.loaders.tables import (
    MAX_ROWS,
    _parse_delimited,
    _too_many_rows,
    _unique_names,
)
from core.data.loaders.text import decode_text
from core.data.loaders.vectors import _stack_vectors
from core.data.table import Dataset, Exclusions
from core.errors import DataError


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
    text_column, generated = (frame.columns[0] if len(frame.columns) else None), False
    if text_column is None:
        frame, text_column, generated = _with_label_column(frame, None, name)
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
    return Dataset(name=name, frame=frame[keep], text_column=text_column, vectors=matrix, excluded=excluded,
                   generated_labels=generated)


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
