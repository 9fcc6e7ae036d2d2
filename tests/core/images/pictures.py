"""Small real pictures for the image tests: patches of scikit-learn's two sample photos, and zips of them."""
from __future__ import annotations

import io
import zipfile
from functools import lru_cache

import numpy as np
from PIL import Image


@lru_cache(maxsize=1)
def sample_photos() -> dict[str, np.ndarray]:
    """scikit-learn's china.jpg and flower.jpg as RGB arrays."""
    from sklearn.datasets import load_sample_images

    bunch = load_sample_images()
    return {name.rsplit("/", 1)[-1].split(".")[0]: image for name, image in zip(bunch.filenames, bunch.images)}


def encoded(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def patch(photo: str, i: int, size: int = 96) -> Image.Image:
    """The i-th square patch of a sample photo (left to right, then down)."""
    pixels = sample_photos()[photo]
    per_row = pixels.shape[1] // size
    top, left = (i // per_row) * size, (i % per_row) * size
    return Image.fromarray(pixels[top:top + size, left:left + size])


def zip_bytes(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def two_folders(n: int = 4) -> dict[str, bytes]:
    """n patches of each sample photo, in folders named after the photo."""
    return {f"photos/{photo}/{i}.png": encoded(patch(photo, i + 5)) for photo in ("china", "flower") for i in range(n)}
