"""Exports of a map: coordinates + clusters + metadata (Parquet), a standalone HTML file, and
TensorFlow Embedding Projector files (vectors.tsv + metadata.tsv, zipped). These keep values exact;
the CSV table goes through core.data.csv_safety, which guards text cells for spreadsheets."""
from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from core.maps.clusters import ClusterResult
    from core.maps.faithfulness import Faithfulness

AXES = ("x", "y", "z")


def export_frame(frame: pd.DataFrame, coords: np.ndarray, *, clusters: ClusterResult | None = None,
                 faith: Faithfulness | None = None) -> pd.DataFrame:
    """One row per point: map coordinates, cluster, faithfulness, then the data's own columns."""
    out = pd.DataFrame(np.asarray(coords, dtype=np.float64), columns=list(AXES[: coords.shape[1]]))
    if clusters is not None:
        out["cluster"] = clusters.labels
        out["cluster_label"] = clusters.names
    if faith is not None:
        out["knn_preservation"] = faith.preservation
        out["trustworthiness"] = faith.trust
    taken = set(out.columns)
    for column in frame.columns:
        name = column if column not in taken else f"data_{column}"
        out[name] = frame[column].to_numpy()
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Mixed-type object columns as strings, so Parquet can store them."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return frame


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    _plain(frame).to_parquet(buffer, index=False)
    return buffer.getvalue()


def standalone_html(fig: go.Figure, *, title: str = "Embedding Explorer map") -> str:
    """The figure as one HTML file with plotly.js inlined: it opens with no internet connection."""
    import html

    import plotly.graph_objects as go

    fig = go.Figure(fig).update_layout(template="plotly_white")  # the app's theme is not in the file
    page = fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False, "scrollZoom": True})
    return page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)


def _tsv_cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return " ".join(text.replace("\t", " ").splitlines())


def projector_tsv(vectors: np.ndarray, frame: pd.DataFrame, text_column: str) -> tuple[bytes, bytes]:
    """(vectors.tsv, metadata.tsv); metadata has the text column first, with a header when it has 2+ columns."""
    vectors_tsv = "\n".join("\t".join(f"{v:.6g}" for v in row) for row in np.asarray(vectors)) + "\n"
    columns = [text_column, *[c for c in frame.columns if c != text_column]]
    lines = [[_tsv_cell(v) for v in row] for row in frame[columns].itertuples(index=False)]
    if len(columns) > 1:
        lines.insert(0, [_tsv_cell(c) for c in columns])
    metadata_tsv = "\n".join("\t".join(line) for line in lines) + "\n"
    return vectors_tsv.encode("utf-8"), metadata_tsv.encode("utf-8")


def projector_zip(vectors: np.ndarray, frame: pd.DataFrame, text_column: str) -> bytes:
    """A zip holding vectors.tsv and metadata.tsv, ready for projector.tensorflow.org ("Load")."""
    vectors_tsv, metadata_tsv = projector_tsv(vectors, frame, text_column)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vectors.tsv", vectors_tsv)
        archive.writestr("metadata.tsv", metadata_tsv)
    return buffer.getvalue()
