"""Pictures of rows: thumbnails as data URIs, in the offline HTML map (within a budget, fetching nothing), and the
TensorFlow Projector's sprite and config."""
from __future__ import annotations

import base64
import io
import json
import re
import zipfile

import numpy as np
import pytest
from PIL import Image

from core.maps.export import SPRITE_FILE, projector_zip, standalone_html
from core.maps.figure import build_scatter
from core.maps.thumbnails import (
    HOVER_IMAGE_ID,
    THUMB_PX,
    has_pictures,
    hover_script,
    sprite_png,
    sprite_tile_px,
    thumbnail_uri,
    thumbnail_uris,
)
from tests.support.tiny_images import COLOURS, image_dataset, main_colour


def decode(uri: str) -> Image.Image:
    head, data = uri.split(",", 1)
    assert head in ("data:image/jpeg;base64", "data:image/png;base64")
    return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")


@pytest.fixture(scope="module")
def photos():
    return image_dataset(per_class=4)


def test_a_thumbnail_shows_its_row(photos):
    for row, label in enumerate(photos.frame["label"]):
        picture = decode(thumbnail_uri(photos, row))
        assert max(picture.size) <= THUMB_PX
        assert np.abs(main_colour(picture) - COLOURS[label]).max() < 30


def test_digits_arrays_become_dark_on_light_pictures():
    import pandas as pd

    from core.data.table import Dataset

    images = np.zeros((2, 8, 8), dtype=np.float32)
    images[1, 2:6, 2:6] = 16
    digits = Dataset("d", pd.DataFrame({"t": ["a", "b"]}), "t", images=images)
    assert has_pictures(digits)
    blank, square = (np.asarray(decode(thumbnail_uri(digits, r)).convert("L")) for r in (0, 1))
    assert blank.min() == 255 and square.shape == (64, 64) and square[32, 32] == 0 and square[0, 0] == 255


def test_thumbnails_stop_at_the_budget(photos):
    every = thumbnail_uris(photos, range(len(photos)))
    sizes = [len(uri) for uri in every.values()]
    budget = sum(sizes[:3]) + 1
    kept = thumbnail_uris(photos, range(len(photos)), budget=budget)
    assert list(kept) == [0, 1, 2] and sum(len(u) for u in kept.values()) <= budget


def test_offline_map_embeds_the_thumbnails_and_fetches_nothing(photos):
    coords = np.random.default_rng(0).normal(size=(len(photos), 2))
    fig = build_scatter(coords, photos.frame, text_column="path", color="label")
    uris = thumbnail_uris(photos, range(len(photos)))
    page = standalone_html(fig, title="photos", thumbnails=uris)
    embedded = json.loads(re.search(r"thumbs\[\"map\"\] = (\{.*?\});", page).group(1))
    assert embedded == {str(row): uri for row, uri in uris.items()}
    script = hover_script(uris, ".js-plotly-plot", "map")
    assert script in page and page.index(script) < page.rindex("</body>")
    assert not re.search(r"<(?:script|img|link|iframe)[^>]*\b(?:src|href)=\"?(?!data:)", page, re.I)
    assert not re.search(r"fetch\(|XMLHttpRequest|https?:", script)
    assert HOVER_IMAGE_ID not in standalone_html(fig, title="photos")


def test_sprite_tiles_follow_the_rows_in_order(photos):
    png, tile = sprite_png(photos)
    sheet = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    per_side = int(np.ceil(np.sqrt(len(photos))))
    assert sheet.shape[:2] == (per_side * tile, per_side * tile)
    for row, label in enumerate(photos.frame["label"]):
        y, x = (row // per_side) * tile, (row % per_side) * tile
        picture = Image.fromarray(sheet[y:y + tile, x:x + tile].astype(np.uint8))
        assert np.abs(main_colour(picture) - COLOURS[label]).max() < 30, row


@pytest.mark.parametrize(("n", "tile"), [(1, 64), (100, 64), (20_000, 57), (1_000_000, 8)])
def test_sprite_stays_within_the_projectors_size(n, tile):
    assert sprite_tile_px(n) == tile
    assert int(np.ceil(np.sqrt(n))) * tile <= 8192


def test_projector_zip_names_the_sprite_in_its_config(photos):
    png, tile = sprite_png(photos)
    data = projector_zip(photos.vectors, photos.frame, "path", sprite=(png, tile), name="photos")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read(SPRITE_FILE) == png
        config = json.loads(archive.read("projector_config.json"))
        pbtxt = archive.read("projector_config.pbtxt").decode()
    embedding = config["embeddings"][0]
    assert embedding["tensorShape"] == [len(photos), 3]
    assert embedding["sprite"] == {"imagePath": "sprite.png", "singleImageDim": [tile, tile]}
    assert 'image_path: "sprite.png"' in pbtxt and pbtxt.count(f"single_image_dim: {tile}") == 2
