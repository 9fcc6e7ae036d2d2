"""Exports of a map: coordinates + clusters + metadata (Parquet), a standalone HTML file, and
TensorFlow Embedding Projector files (vectors.tsv + metadata.tsv, zipped). These keep values exact;
the CSV table goes through core.data.csv_safety, which guards text cells for spreadsheets."""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.maps.thumbnails import hover_script

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from core.maps.clusters import ClusterResult
    from core.maps.faithfulness import Faithfulness

AXES = ("x", "y", "z")
SPRITE_FILE = "sprite.png"


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


def standalone_html(fig: go.Figure, *, title: str = "Embedding Explorer map",
                    thumbnails: Mapping[int, str] | None = None) -> str:
    """The figure as one HTML file with plotly.js inlined: it opens with no internet connection.

    `thumbnails` (row -> image data URI, see core.maps.thumbnails) are embedded and shown beside a hovered point.
    """
    import html

    import plotly.graph_objects as go

    fig = go.Figure(fig).update_layout(template="plotly_white")  # the app's theme is not in the file
    page = fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False, "scrollZoom": True})
    if thumbnails:
        script = hover_script(dict(thumbnails), ".js-plotly-plot", "map")
        head, body_end, tail = page.rpartition("</body>")
        page = f"{head}{script}{body_end}{tail}"
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


def projector_config(shape: tuple[int, int], *, name: str = "embedding", sprite_tile: int | None = None) -> dict:
    """The Projector's config for the zip's files (the standalone projector's JSON form): tensor, metadata and,
    with `sprite_tile`, the sprite and the side of one image in it."""
    embedding: dict = {"tensorName": name, "tensorShape": [int(shape[0]), int(shape[1])],
                       "tensorPath": "vectors.tsv", "metadataPath": "metadata.tsv"}
    if sprite_tile is not None:
        embedding["sprite"] = {"imagePath": SPRITE_FILE, "singleImageDim": [sprite_tile, sprite_tile]}
    return {"embeddings": [embedding]}


def projector_pbtxt(config: dict) -> str:
    """The same config in TensorBoard's projector_config.pbtxt form."""
    lines = []
    for embedding in config["embeddings"]:
        lines += ["embeddings {", f"  tensor_name: {json.dumps(embedding['tensorName'])}",
                  f"  tensor_path: \"{embedding['tensorPath']}\"", f"  metadata_path: \"{embedding['metadataPath']}\""]
        if "sprite" in embedding:
            sprite = embedding["sprite"]
            lines += ["  sprite {", f"    image_path: \"{sprite['imagePath']}\"",
                      *(f"    single_image_dim: {side}" for side in sprite["singleImageDim"]), "  }"]
        lines.append("}")
    return "\n".join(lines) + "\n"


def projector_zip(vectors: np.ndarray, frame: pd.DataFrame, text_column: str, *,
                  sprite: tuple[bytes, int] | None = None, name: str = "embedding") -> bytes:
    """A zip holding vectors.tsv and metadata.tsv, ready for projector.tensorflow.org ("Load"); with `sprite`
    (PNG, side of one image; see core.maps.thumbnails.sprite_png) also sprite.png and the projector config that
    names it (JSON and pbtxt), so each point shows its picture."""
    vectors_tsv, metadata_tsv = projector_tsv(vectors, frame, text_column)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vectors.tsv", vectors_tsv)
        archive.writestr("metadata.tsv", metadata_tsv)
        if sprite is not None:
            config = projector_config(np.shape(vectors), name=name, sprite_tile=sprite[1])
            archive.writestr(SPRITE_FILE, sprite[0])
            archive.writestr("projector_config.json", json.dumps(config, indent=2))
            archive.writestr("projector_config.pbtxt", projector_pbtxt(config))
    return buffer.getvalue()
