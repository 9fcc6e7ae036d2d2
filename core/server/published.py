"""Maps the operator published: a folder of `python -m core map ... --out NAME.parquet` files, offered to visitors
beside the built-in datasets. Each is read as data whose own vectors are its map coordinates."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.table import Dataset
from core.errors import DataError

SOURCE = "published"  # how a data choice and a link name where a published map comes from
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
AXES = ("x", "y", "z")
NOT_TEXT = {*AXES, "cluster", "knn_preservation", "trustworthiness"}


def published_maps(folder: Path | None) -> dict[str, Path]:
    """Name -> file of each map directly in `folder` (plain `.parquet` files with plain names; links are skipped)."""
    if folder is None or not folder.is_dir():
        return {}
    files = (f for f in sorted(folder.iterdir()) if f.suffix.lower() == ".parquet" and not f.is_symlink())
    return {f.stem: f for f in files if f.is_file() and _NAME.match(f.stem)}


def _text_column(frame: pd.DataFrame) -> str:
    """The column shown on hover: `text` when there is one, else the first text column (maybe the cluster label)."""
    if "text" in frame.columns:
        return "text"
    texts = [c for c in frame.columns if c not in NOT_TEXT and pd.api.types.is_string_dtype(frame[c])]
    if not texts:
        raise DataError("This published map has no text column to show on hover.")
    return texts[0]


def load_published(folder: Path | None, name: str) -> Dataset:
    """The published map `name`: its rows, with the map's coordinates as the data's own vectors."""
    path = published_maps(folder).get(name)
    if path is None:
        raise DataError(f"There is no published map named {name[:60]!r} on this server.")
    frame = pd.read_parquet(path)
    axes = [a for a in AXES if a in frame.columns]
    if len(axes) < 2:
        raise DataError(f"The published map {name!r} has no x and y columns; make it with `python -m core map`.")
    vectors = frame[axes].to_numpy(dtype=np.float32)
    keep = np.isfinite(vectors).all(axis=1)
    meta = frame.drop(columns=axes)[keep].reset_index(drop=True)
    return Dataset(name, meta, _text_column(meta), vectors=vectors[keep],
                   description=f"{name}: a map published on this server ({int(keep.sum()):,} points, made ahead "
                               "of time with `python -m core map`).")
