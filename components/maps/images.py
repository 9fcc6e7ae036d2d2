"""Small images as PNG data URIs, for tables."""
from __future__ import annotations

import base64
import io

import numpy as np


def png_data_uri(image: np.ndarray, *, scale: int = 4) -> str:
    """A grayscale image (any range) as an upscaled, dark-on-light PNG data URI."""
    from PIL import Image

    top = float(np.nanmax(image)) or 1.0
    pixels = (255 - np.clip(image / top, 0, 1) * 255).astype(np.uint8)
    picture = Image.fromarray(pixels, mode="L").resize((pixels.shape[1] * scale, pixels.shape[0] * scale),
                                                        Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
