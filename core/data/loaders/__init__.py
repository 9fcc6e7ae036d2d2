"""Read user files (tables, vectors, word vectors) into a `Dataset`.

Every problem a user can fix is raised as `DataError` with a message that says
what was wrong and what to do about it.

Modules, in dependency order:
    text       decode file bytes to text (BOMs, UTF-8, legacy encodings)
    tables     read csv/tsv/json/jsonl/parquet/txt into a DataFrame
    vectors    parse vector cells into a float32 matrix, recording exclusions
    columns    column helpers shared by the loaders below
    frames     table -> Dataset, and the default text column
    npy        NumPy .npy vector matrices
    projector  TensorFlow Embedding Projector vectors.tsv + metadata.tsv
    wordvec    GloVe / word2vec text word vectors
    files      load any supported file from disk (CLI)
"""
from __future__ import annotations

from core.data.loaders.files import load_path
from core.data.loaders.frames import table_to_dataset
from core.data.loaders.npy import load_npy
from core.data.loaders.projector import load_projector_tsv
from core.data.loaders.tables import read_table
from core.data.loaders.text import decode_text
from core.data.loaders.vectors import exclude_nonfinite, parse_vector_column
from core.data.loaders.wordvec import load_word_vectors

__all__ = [
    "decode_text",
    "exclude_nonfinite",
    "load_npy",
    "load_path",
    "load_projector_tsv",
    "load_word_vectors",
    "parse_vector_column",
    "read_table",
    "table_to_dataset",
]
