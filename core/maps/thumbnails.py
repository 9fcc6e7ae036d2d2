"""Small pictures of a dataset's rows: data URIs for hover, tables and the offline map, and the Projector's sprite.

Rows have pictures when the dataset carries image files (an image payload) or small grayscale
arrays (`Dataset.images`, the digits). Photos become JPEG thumbnails (a few kB each); grayscale
arrays become upscaled PNGs, dark on light. Everything here is pure: no Streamlit, no network.
"""
from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Iterable

import numpy as np

from core.data.table import Dataset

THUMB_PX = 64  # the longest side of a hover or table thumbnail
PREVIEW_PX = 256  # the longest side of a clicked point's preview
JPEG_QUALITY = 80
HTML_BUDGET_BYTES = 3_000_000  # embedded thumbnails in an offline HTML map stop at this many bytes of data URIs
HOVER_BUDGET_BYTES = 4_000_000  # the same for the live map's hover pictures, sent to the browser once per view
SPRITE_MAX_PX = 8192  # the Projector reads a sprite of at most this many pixels a side
SPRITE_TILE_PX = 64  # the largest single image in a sprite
HOVER_IMAGE_ID = "ee-hover-thumb"


def has_pictures(dataset: Dataset) -> bool:
    """Whether the rows have pictures to show (image files, or small grayscale images)."""
    return dataset.images is not None or hasattr(dataset.payload, "open")


def row_picture(dataset: Dataset, row: int, px: int):
    """The row's picture as a PIL image, its longest side at most `px` (grayscale arrays are scaled up to it)."""
    from PIL import Image

    if dataset.images is not None:
        return _gray_picture(dataset.images[row], px)
    image = _opened_small(dataset.payload, row, px)
    image.thumbnail((px, px), Image.Resampling.LANCZOS)
    return image


def _opened_small(files, row: int, px: int):
    """The row's image, upright and RGB; a JPEG is decoded at a reduced scale near `px` (much faster for photos)."""
    from PIL import Image, ImageOps

    from core.data.images import to_rgb

    blobs = getattr(files, "blobs", None)
    if blobs is None:
        return files.open(row)
    image = Image.open(io.BytesIO(blobs[row]))
    if image.format == "JPEG":
        image.draft("RGB", (px * 2, px * 2))
    return to_rgb(ImageOps.exif_transpose(image))


def _gray_picture(pixels: np.ndarray, px: int):
    """A small grayscale array (any range) as a dark-on-light picture, scaled up by a whole factor to about `px`."""
    from PIL import Image

    top = float(np.nanmax(pixels)) or 1.0
    shades = (255 - np.clip(np.nan_to_num(pixels) / top, 0, 1) * 255).astype(np.uint8)
    scale = max(1, px // max(shades.shape))
    return Image.fromarray(shades, mode="L").resize((shades.shape[1] * scale, shades.shape[0] * scale),
                                                    Image.Resampling.NEAREST)


def picture_bytes(dataset: Dataset, row: int, px: int = THUMB_PX) -> tuple[bytes, str]:
    """(file bytes, MIME type) of the row's thumbnail: PNG for grayscale arrays, JPEG for photos."""
    picture = row_picture(dataset, row, px)
    buffer = io.BytesIO()
    if picture.mode == "L":
        picture.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), "image/png"
    picture.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue(), "image/jpeg"


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def thumbnail_uri(dataset: Dataset, row: int, px: int = THUMB_PX) -> str:
    """The row's thumbnail as a data URI (for an image column or an <img>)."""
    return data_uri(*picture_bytes(dataset, row, px))


def thumbnail_uris(dataset: Dataset, rows: Iterable[int], *, px: int = THUMB_PX,
                   budget: int | None = None) -> dict[int, str]:
    """Data URIs of `rows`' thumbnails, in order, until they would pass `budget` bytes in all (None: no limit)."""
    uris: dict[int, str] = {}
    spent = 0
    for row in rows:
        uri = thumbnail_uri(dataset, int(row), px)
        if budget is not None and spent + len(uri) > budget:
            break
        uris[int(row)] = uri
        spent += len(uri)
    return uris


# ---------------------------------------------------------------------- hover pictures

HOVER_JS = """(() => {
  const thumbs = (window.__eeThumbs = window.__eeThumbs || {});
  thumbs[NAME] = THUMBS;
  const picture = () => {
    let img = document.getElementById(IMAGE_ID);
    if (!img) {
      img = document.createElement("img");
      img.id = IMAGE_ID;
      img.alt = "picture of the point under the mouse";
      img.style.cssText = "position:fixed;z-index:100000;pointer-events:none;display:none;width:PXpx;" +
        "height:PXpx;object-fit:contain;border:1px solid #888;background:#fff;padding:2px;" +
        "box-shadow:0 2px 8px rgba(0,0,0,.3)";
      document.body.appendChild(img);
    }
    return img;
  };
  const listen = gd => {
    gd.on("plotly_hover", e => {
      const p = e && e.points && e.points[0];
      let row = p ? p.customdata : undefined;
      if (Array.isArray(row)) row = row[0];
      const uri = (thumbs[NAME] || {})[row];
      const img = picture();
      if (!uri) { img.style.display = "none"; return; }
      const x = e.event ? e.event.clientX : 0, y = e.event ? e.event.clientY : 0;
      img.src = uri;
      img.style.left = Math.max(0, x - PX / 2) + "px";  // above the point: Plotly's label opens beside it
      img.style.top = (y - PX - 20 >= 0 ? y - PX - 20 : y + 20) + "px";
      img.style.display = "block";
    });
    gd.on("plotly_unhover", () => { picture().style.display = "none"; });
  };
  const hook = () => document.querySelectorAll(SELECTOR).forEach(gd => {
    if (gd.__eeHoverPictures !== (gd._ev || gd) && typeof gd.on === "function") {
      gd.__eeHoverPictures = gd._ev || gd;
      listen(gd);
    }
  });
  const observers = (window.__eeHoverObservers = window.__eeHoverObservers || {});
  if (!observers[NAME]) {
    observers[NAME] = new MutationObserver(hook);
    observers[NAME].observe(document.body, {childList: true, subtree: true});
  }
  hook();
})();"""


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script>: no '<' can close it or open a tag."""
    return json.dumps(value).replace("<", "\\u003c")


def hover_script(uris: dict[int, str], selector: str, name: str, *, px: int = THUMB_PX) -> str:
    """A script showing each row's picture beside the mouse while it hovers the row's point on the Plotly charts
    matching CSS `selector`; `name` keeps several charts' pictures apart. Data URIs only: it fetches nothing."""
    script = HOVER_JS
    for token, value in (("THUMBS", _json_for_script({str(k): v for k, v in uris.items()})),
                         ("SELECTOR", _json_for_script(selector)), ("IMAGE_ID", _json_for_script(HOVER_IMAGE_ID)),
                         ("NAME", _json_for_script(name)), ("PX", str(int(px)))):
        script = script.replace(token, value)
    return f"<script>{script}</script>"


# ---------------------------------------------------------------------- Projector sprite


def sprite_tile_px(n_rows: int) -> int:
    """The side of one image in a sprite of `n_rows` images that stays within SPRITE_MAX_PX a side."""
    per_side = max(1, math.ceil(math.sqrt(n_rows)))
    return max(1, min(SPRITE_TILE_PX, SPRITE_MAX_PX // per_side))


def sprite_png(dataset: Dataset) -> tuple[bytes, int]:
    """(PNG, tile side): every row's picture, in row order, left to right and top to bottom on a square grid of
    square tiles, as the TensorFlow Projector reads a sprite (each scaled to its tile, white where not square)."""
    from PIL import Image

    n = len(dataset)
    tile = sprite_tile_px(n)
    per_side = max(1, math.ceil(math.sqrt(n)))
    sheet = Image.new("RGB", (per_side * tile, per_side * tile), "white")
    for row in range(n):
        picture = _fit(row_picture(dataset, row, tile).convert("RGB"), tile)
        x, y = (row % per_side) * tile, (row // per_side) * tile
        sheet.paste(picture, (x + (tile - picture.width) // 2, y + (tile - picture.height) // 2))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), tile


def _fit(picture, side: int):
    """`picture` scaled, up or down, so that its longest side is `side`."""
    from PIL import Image

    scale = side / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS)


def drawn_rows(fig) -> list[int]:
    """The rows a map figure draws (its points' customdata), in order, without repeats."""
    rows = (int(np.ravel(r)[0]) for trace in fig.data if getattr(trace, "customdata", None) is not None
            for r in trace.customdata)
    return list(dict.fromkeys(rows))


def html_thumbnails(dataset: Dataset, fig) -> dict[int, str] | None:
    """The thumbnails an offline HTML map of `fig` embeds: its drawn rows', within HTML_BUDGET_BYTES (None: no
    pictures)."""
    if not has_pictures(dataset):
        return None
    return thumbnail_uris(dataset, drawn_rows(fig), budget=HTML_BUDGET_BYTES)


def projector_sprite(dataset: Dataset) -> tuple[bytes, int] | None:
    """The Projector sprite of the dataset's pictures (None: no pictures)."""
    return sprite_png(dataset) if has_pictures(dataset) else None
