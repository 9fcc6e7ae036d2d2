"""The image files behind an image dataset's rows: their bytes, opened safely, and small thumbnails."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import numpy as np

IMAGE_KIND = "image"
THUMBNAIL_PX = 64  # the longest side of a hover / table thumbnail


@dataclass
class ImageFiles:
    """One image file per dataset row: `names` (the path inside the archive or folder) and the file `blobs`.

    The bytes are kept as read, so a row's content hash is the hash of its file; `open` decodes
    with EXIF orientation applied and converts any mode (CMYK, palette, 16-bit, alpha) to RGB.
    """

    names: list[str]
    blobs: list[bytes]
    kind: str = IMAGE_KIND
    _thumbs: dict[tuple[int, int], bytes] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.names) != len(self.blobs):
            raise ValueError("names and blobs differ in length")

    def take(self, rows: np.ndarray) -> ImageFiles:
        """The files of `rows`, in that order."""
        picked = [int(r) for r in np.asarray(rows)]
        return ImageFiles([self.names[r] for r in picked], [self.blobs[r] for r in picked])

    def __len__(self) -> int:
        return len(self.blobs)

    def content_hashes(self) -> list[str]:
        """A hash of each file's bytes (what image vectors are cached by, with the model)."""
        return [hashlib.sha256(blob).hexdigest() for blob in self.blobs]

    def open(self, row: int):
        """The row's image as an RGB PIL image, upright."""
        from PIL import Image, ImageOps

        image = ImageOps.exif_transpose(Image.open(io.BytesIO(self.blobs[row])))
        return to_rgb(image)

    def thumbnail_png(self, row: int, px: int = THUMBNAIL_PX) -> bytes:
        """A PNG of the row's image, its longest side `px` pixels (kept once made)."""
        key = (row, px)
        if key not in self._thumbs:
            image = self.open(row)
            image.thumbnail((px, px))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            self._thumbs[key] = buffer.getvalue()
        return self._thumbs[key]


def to_rgb(image):
    """Any PIL image as 8-bit RGB: alpha composited on white, 16-bit scaled down, CMYK and palettes converted."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        pixels = np.asarray(image, dtype=np.float64)
        top = pixels.max() or 1.0
        image = Image.fromarray(np.uint8(np.clip(pixels / top * 255.0, 0, 255)))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    return image.convert("RGB")
