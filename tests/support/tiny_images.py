"""Small made-up photos for tests: red and blue squares of a few sizes, as files, a zip, or an image Dataset."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd

from core.data.images import ImageFiles
from core.data.table import Dataset

COLOURS = {"red": (200, 30, 30), "blue": (30, 60, 200)}


def photo(colour: str, i: int, *, size: int = 24, fmt: str = "PNG") -> bytes:
    """A white `size`-pixel square with a patch of `colour`, top left for red and bottom right for blue (shifted a
    little by `i`), and a grey dot on the bottom row at a place set by `i`, so no two are the same."""
    from PIL import Image

    pixels = np.full((size, size, 3), 255, dtype=np.uint8)
    shift, half = i % 3, size // 2
    start = 2 + shift if colour == "red" else half - 2 - shift
    pixels[start:start + half, start:start + half] = COLOURS[colour]
    pixels[-1, i % size] = 128
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def main_colour(picture) -> np.ndarray:
    """The median colour of a picture's pixels that are far from white (its patch)."""
    pixels = np.asarray(picture.convert("RGB"), dtype=float).reshape(-1, 3)
    return np.median(pixels[np.abs(pixels - 255).max(axis=1) > 60], axis=0)


def photo_files(per_class: int = 6) -> dict[str, bytes]:
    """File name (class folder / file) -> PNG bytes, `per_class` photos in each of two folders."""
    return {f"{colour}/{colour}_{i}.png": photo(colour, i) for colour in COLOURS for i in range(per_class)}


def photos_zip(per_class: int = 6, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip of `photo_files`, plus any `extra` members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in {**photo_files(per_class), **(extra or {})}.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def image_dataset(per_class: int = 6) -> Dataset:
    """An image Dataset of `photo_files` (path, width, height, label), with mean-colour vectors."""
    files = photo_files(per_class)
    names = list(files)
    frame = pd.DataFrame({"path": names, "width": 24, "height": 24, "label": [n.split("/")[0] for n in names]})
    payload = ImageFiles(names, [files[n] for n in names])
    vectors = np.array([np.asarray(payload.open(r), dtype=np.float32).mean(axis=(0, 1)) for r in range(len(names))])
    vectors += np.random.default_rng(0).normal(scale=0.5, size=vectors.shape).astype(np.float32)
    return Dataset("photos.zip", frame, "path", vectors=vectors, payload=payload)
