"""Upload widgets: files in, a validated Dataset out (or a clear message)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.access.policy import require_write
from components.graphs.upload import graph_upload
from components.state import persist
from core.data import loaders
from core.data.table import Dataset
from core.errors import UserError
from core.hashing import hash_texts

TABLE_TYPES = ["csv", "tsv", "tab", "json", "jsonl", "ndjson", "parquet", "txt"]
KINDS = {
    "table": "Texts: a table or a text file (one item per line)",
    "npy": "Vectors: a .npy file, with an optional metadata table",
    "projector": "Vectors: Embedding Projector vectors.tsv + metadata.tsv",
    "words": "Vectors: word vectors in GloVe or word2vec text format",
    "images": "Images: a .zip of pictures (folders inside it become labels)",
    "graph": "A graph: an edge list (CSV/TSV, one edge per row) or a GML/GraphML file",
}
NO_VECTORS = "(none: embed the text with a model)"
PENDING_UPLOAD = "ee_pending_upload"  # the upload the Data page offers to embed


def _text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold text, the likely text column first."""
    columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    columns = columns or list(frame.columns)
    return sorted(columns, key=lambda c: -frame[c].astype(str).str.len().mean())


def _table_upload() -> Dataset | None:
    file = st.file_uploader("Table or text file", type=TABLE_TYPES, key="ee_upload_table")
    if file is None:
        return None
    data = file.getvalue()
    frame = loaders.read_table(data, file.name)
    if file.name.lower().rsplit(".", 1)[-1] != "parquet":
        encoding = loaders.decode_text(data, file.name)[1]
        if encoding.lower().replace("-", "").replace("_", "") not in ("utf8", "ascii", "utf8sig"):
            st.info(f"{file.name} is not UTF-8; it was read as {encoding}. Check a few rows below.")
    st.dataframe(frame.head(20), hide_index=True, key="ee_upload_preview")
    text_options = _text_columns(frame)
    text_column = st.selectbox("Text column (embedded and shown on hover)", text_options, key="ee_upload_text_col")
    others = [c for c in frame.columns if c != text_column]
    vector_column = st.selectbox("Vector column, if the table already has vectors", [NO_VECTORS, *others],
                                 key="ee_upload_vector_col")
    meta_options = [c for c in others if c != vector_column]
    metadata = st.multiselect("Metadata columns (colour, hover, filters)", meta_options, default=meta_options[:12],
                              key="ee_upload_meta_cols")
    if not st.button("Use this file", type="primary", key="ee_upload_use_table"):
        return None
    return loaders.table_to_dataset(frame, name=file.name, text_column=text_column, metadata_columns=metadata,
                                    vector_column=None if vector_column == NO_VECTORS else vector_column)


def _npy_upload() -> Dataset | None:
    vectors = st.file_uploader(".npy vectors (one row per item)", type=["npy"], key="ee_upload_npy")
    meta = st.file_uploader("Metadata table (optional, same row order)", type=TABLE_TYPES, key="ee_upload_npy_meta")
    if vectors is None or not st.button("Use these vectors", type="primary", key="ee_upload_use_npy"):
        return None
    metadata = loaders.read_table(meta.getvalue(), meta.name) if meta is not None else None
    return loaders.load_npy(vectors.getvalue(), name=vectors.name, metadata=metadata)


def _projector_upload() -> Dataset | None:
    vectors = st.file_uploader("vectors.tsv", type=["tsv", "txt"], key="ee_upload_proj_vectors")
    meta = st.file_uploader("metadata.tsv (optional)", type=["tsv", "txt"], key="ee_upload_proj_meta")
    if vectors is None or not st.button("Use these vectors", type="primary", key="ee_upload_use_proj"):
        return None
    return loaders.load_projector_tsv(vectors.getvalue(), meta.getvalue() if meta else None, name=vectors.name)


def _words_upload() -> Dataset | None:
    file = st.file_uploader("Word vectors (.txt or .vec)", type=["txt", "vec"], key="ee_upload_words")
    limit = st.number_input("Keep the first N words (0 = all)", 0, 2_000_000, 20_000, step=1000,
                            key="ee_upload_words_limit")
    if file is None or not st.button("Use these vectors", type="primary", key="ee_upload_use_words"):
        return None
    return loaders.load_word_vectors(file.getvalue(), name=file.name, limit=int(limit) or None)


def _images_upload() -> Dataset | None:
    from core.data.loaders.images import load_image_archive

    archive = st.file_uploader("A .zip of PNG, JPEG, WebP, GIF, BMP or TIFF images", type=["zip"],
                               key="ee_upload_images")
    meta = st.file_uploader("Metadata table (optional: a CSV with a file name column, joined to the images)",
                            type=["csv", "tsv"], key="ee_upload_images_meta")
    st.caption("Images in folders (cats/1.jpg, dogs/2.jpg) get the folder as their label. A CSV inside the zip "
               "is read as its metadata too.")
    if archive is None or not st.button("Use these images", type="primary", key="ee_upload_use_images"):
        return None
    if meta is None:
        return load_image_archive(archive.getvalue(), archive.name)
    return load_image_archive(archive.getvalue(), archive.name, meta.getvalue(), metadata_name=meta.name)


UPLOADERS = {"table": _table_upload, "npy": _npy_upload, "projector": _projector_upload, "words": _words_upload,
             "images": _images_upload, "graph": graph_upload}


def _forget_pending_upload() -> None:
    """on_change of the upload kind: the previous file's model and button go until a file of the new kind is used."""
    st.session_state.pop(PENDING_UPLOAD, None)


def upload_form() -> Dataset | None:
    """The upload widgets; returns a dataset once the user confirms a readable file (never on a read-only server)."""
    try:
        require_write("upload files")
    except UserError as err:
        st.info(str(err))
        return None
    kinds = list(KINDS)
    kind = st.radio("What are you uploading?", kinds, format_func=KINDS.get, on_change=_forget_pending_upload,
                    **persist("ee_w_upload_kind", kinds[0], options=kinds))
    try:
        with st.spinner("Reading the file…"):
            return UPLOADERS[kind]()
    except UserError as err:
        st.error(str(err))
        st.session_state.pop(PENDING_UPLOAD, None)  # the earlier file is no longer what the page shows
        return None


def dataset_id(dataset: Dataset) -> str:
    """A content id for an uploaded dataset: name, texts, vectors and image files."""
    from core.hashing import hash_array

    parts = [dataset.name, *dataset.texts]
    if dataset.vectors is not None:
        parts.append(hash_array(dataset.vectors))
    if hasattr(dataset.payload, "content_hashes"):
        parts.extend(dataset.payload.content_hashes())
    return hash_texts(["\x1f".join(parts)])[0]
