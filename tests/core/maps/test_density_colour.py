"""The coloured density image: per-bin category shares and mean values, equal to brute-force histograms."""
from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import hex_to_rgb

from core.maps.density import (
    ALPHA_RANGE,
    category_counts,
    colour_rgba,
    density_colour,
    density_counts,
    density_image,
    with_density,
)
from core.maps.figure import build_scatter


def _data(n: int = 20_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype(np.float32), rng.integers(0, 4, n)


def test_per_bin_category_counts_equal_a_histogram_of_each_category():
    coords, codes = _data()
    counts, x_edges, y_edges = category_counts(coords, codes, 4, bins=24)
    total, tx, ty = density_counts(coords, bins=24)
    assert np.array_equal(x_edges, tx) and np.array_equal(y_edges, ty)
    assert np.array_equal(counts.sum(axis=0), total)
    for code in range(4):
        mine = coords[codes == code]
        brute, _, _ = np.histogram2d(mine[:, 0], mine[:, 1], bins=[x_edges, y_edges])
        assert np.array_equal(counts[code], brute)


def test_each_bin_mixes_its_categories_colours_by_their_shares():
    coords, codes = _data(5_000, seed=1)
    frame = pd.DataFrame({"kind": np.array(["a", "b", "c", "d"])[codes]})
    colour = density_colour(frame, "kind", np.arange(100))
    rgba, x_edges, y_edges = colour_rgba(coords, colour, bins=8)
    counts, _, _ = category_counts(coords, colour.codes, len(colour.colours), bins=8)
    rgb_of = np.array([hex_to_rgb(c) for c in colour.colours], dtype=float)
    for i, j in ((3, 3), (4, 2), (0, 7)):
        if counts[:, i, j].sum() == 0:
            assert rgba[i, j, 3] == 0
            continue
        shares = counts[:, i, j] / counts[:, i, j].sum()
        assert np.allclose(rgba[i, j, :3], shares @ rgb_of, atol=0.5)
    busiest = np.unravel_index(counts.sum(axis=0).argmax(), (8, 8))
    assert rgba[busiest][3] == round(ALPHA_RANGE[1] * 255)


def test_a_numeric_colour_shows_each_bins_mean_value_on_the_points_scale():
    coords = np.array([[0, 0], [0, 0], [1, 1], [1, 1], [1, 1]], dtype=np.float32)
    frame = pd.DataFrame({"score": [0.0, 1.0, 1.0, 1.0, np.nan]})
    colour = density_colour(frame, "score", np.arange(5), continuous=True, colorscale="Greys")
    rgba, _, _ = colour_rgba(coords, colour, bins=2)
    scale = colour_rgba(np.array([[0, 0], [1, 1]], dtype=np.float32),
                        density_colour(pd.DataFrame({"s": [0.5, 1.0]}), "s", np.arange(2), continuous=True,
                                       colorscale="Greys", color_range=(0.0, 1.0)), bins=2)[0]
    assert np.array_equal(rgba[0, 0, :3], scale[0, 0, :3])  # mean 0.5
    assert np.array_equal(rgba[1, 1, :3], scale[1, 1, :3])  # mean 1 (the missing value left out)
    assert rgba[0, 1, 3] == 0 and rgba[1, 0, 3] == 0


def test_the_coloured_density_goes_as_a_small_png_under_the_points():
    coords, codes = _data(50_000, seed=2)
    frame = pd.DataFrame({"text": ["t"] * len(coords), "kind": np.array(list("abcd"))[codes]})
    rows = np.arange(0, len(coords), 50)
    scatter = build_scatter(coords, frame, text_column="text", color="kind", rows=rows)
    layered = with_density(scatter, coords, n_drawn=len(rows), colour=density_colour(frame, "kind", rows))
    assert [t.type for t in layered.data] == [t.type for t in scatter.data]  # no heatmap trace
    image = layered.layout.images[0]
    assert image.layer == "below" and image.xref == "x"
    png = Image.open(io.BytesIO(base64.b64decode(image.source.split(",", 1)[1])))
    assert png.size == (256, 256) and png.mode == "RGBA"
    assert len(image.source) < 200_000
    assert "coloured as the points" in layered.layout.annotations[-1].text


def test_the_image_puts_the_highest_y_bins_on_top():
    coords = np.array([[0, 0], [1, 1]], dtype=np.float32)
    image = density_image(coords, density_colour(pd.DataFrame({"k": ["a", "b"]}), "k", np.arange(2)), bins=2)
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(image["source"].split(",", 1)[1]))))
    assert pixels[0, 1, 3] > 0 and pixels[1, 0, 3] > 0  # top right holds (1, 1), bottom left (0, 0)
    assert pixels[0, 0, 3] == 0 and pixels[1, 1, 3] == 0
    assert image["y"] == 1.0 and image["yanchor"] == "top"
    assert isinstance(go.Figure().add_layout_image(image), go.Figure)
