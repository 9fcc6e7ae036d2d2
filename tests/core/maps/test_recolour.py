"""A large map's colours sent apart from its figure: the same colour per point as the per-category figure, one
code a point on the wire, and a colour change that costs the colouring, not the figure."""
from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest

from core.maps.figure import GREY, build_scatter
from core.maps.payload import figure_bytes, recolour_payload, recolourable_figure
from core.maps.recolour import SCALE_CODES, legend_html, point_colours, recolour_html, recolouring


def _data(n: int = 3_000) -> tuple[np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(0)
    score = rng.random(n)
    score[::10] = np.nan
    frame = pd.DataFrame({"text": [f"row {i}" for i in range(n)], "kind": rng.choice(["a", "b", "c<&>'"], n),
                          "score": score})
    return rng.normal(size=(n, 2)).astype(np.float32), frame


def test_each_point_gets_the_colour_the_per_category_figure_gives_it():
    coords, frame = _data()
    rows = np.arange(0, len(frame), 3)
    colours = point_colours(frame, "kind", rows, coords)
    classic = build_scatter(coords, frame, text_column="text", color="kind", rows=rows)
    expected = {int(r): t.marker.color for t in classic.data for r in t.customdata}
    assert [colours.palette[c] for c in colours.codes] == [expected[int(r)] for r in rows]
    assert colours.names == ("a", "b", "c<&>'")


def test_a_colour_scale_is_coded_in_steps_with_grey_for_missing_values():
    coords, frame = _data()
    rows = np.arange(len(frame))
    colours = point_colours(frame, "score", rows, coords, continuous=True, color_range=(0.0, 1.0))
    values = frame["score"].to_numpy()
    finite = np.isfinite(values)
    assert (colours.codes[~finite] == SCALE_CODES).all() and colours.palette[SCALE_CODES] == GREY
    np.testing.assert_array_equal(colours.codes[finite], np.round(values[finite] * (SCALE_CODES - 1)))
    assert colours.scale == (0.0, 1.0) and "linear-gradient" in legend_html(colours)


def test_the_figure_draws_one_trace_of_codes_named_by_its_points_and_colouring():
    coords, frame = _data()
    rows = np.arange(len(frame))
    colours = point_colours(frame, "kind", rows, coords)
    fig = build_scatter(coords, frame, text_column="text", color="kind", rows=rows, colours=colours)
    assert len(fig.data) == 1 and fig.data[0].meta == colours.tag and fig.data[0].showlegend is False
    np.testing.assert_array_equal(fig.data[0].marker.color, colours.codes)
    scale = fig.data[0].marker.colorscale  # code i sits exactly on palette colour i
    assert [s[1] for s in scale] == list(colours.palette) and fig.data[0].marker.cmax == len(colours.palette) - 1
    other = point_colours(frame, "score", rows, coords)
    assert other.view == colours.view and other.key != colours.key  # the same points, another colouring


def test_the_sent_colouring_decodes_to_the_codes_and_escapes_the_legend():
    coords, frame = _data()
    colours = point_colours(frame, "kind", np.arange(len(frame)), coords)
    sent = recolouring(colours)
    np.testing.assert_array_equal(np.frombuffer(base64.b64decode(sent["codes"]), dtype=np.uint8), colours.codes)
    page = recolour_html(colours, None, chart_key="chart")
    assert "c&lt;&amp;&gt;'" in legend_html(colours) and "<b>kind</b>" in page
    assert json.loads(page.split('colourings["chart"] = ', 1)[1].split(";\n", 1)[0]) == sent


@pytest.mark.parametrize("then", ["score", None])
def test_a_colour_change_on_a_large_map_sends_a_byte_or_two_a_point(then):
    rng = np.random.default_rng(1)
    n = 40_000
    coords = rng.normal(size=(n, 2)).astype(np.float32)
    frame = pd.DataFrame({"text": [f"row {i}" for i in range(n)], "kind": rng.choice(list("abcdef"), n),
                          "score": rng.random(n)})
    sent = recolour_payload(coords, frame, text_column="text", first="kind", then=then, max_points=30_000)
    figure = figure_bytes(recolourable_figure(coords, frame, text_column="text", color="kind", max_points=30_000))
    assert sent["first_bytes"] > figure > 30_000 * 8  # the drawn points' coordinates at least
    assert 30_000 * 4 / 3 < sent["rerun_bytes"] < sent["first_bytes"] / 4  # base64 codes, the density PNG, legend
