"""Load any supported file from disk (used by the CLI), choosing the loader from its name and content."""
from __future__ import annotations

from pathlib import Path

from core.data.loaders.columns import _label_text, _require_columns
from core.data.loaders.frames import default_text_column, table_to_dataset
from core.data.loaders.npy import load_npy
from core.data.loaders.projector import _parse_tsv_vector, load_projector_tsv
from core.data.loaders.tables import read_table
from core.data.loaders.text import decode_text
from core.data.loaders.wordvec import (
    _WORD_SPLIT,
    _is_number,
    _word2vec_header,
    load_word_vectors,
)
from core.data.table import Dataset
from core.errors import DataError


def load_path(
    path: str | Path,
    *,
    text_column: str | None = None,
    vector_column: str | None = None,
    metadata_path: str | None = None,
) -> Dataset:
    """Load any supported file from disk, choosing the loader from its name and content.

    A .zip or a folder loads as images.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".zip" or path.is_dir():
        from core.data.loaders.images import load_image_path

        return load_image_path(path, metadata_path)
    data = _read_file(path)
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
