"""AppTest: a map with more points than it draws shows every point as a density image under the drawn sample."""
import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
POINTS = ("scatter", "scattergl")  # small maps draw SVG markers, large ones WebGL (core/maps/figure.py)


def _map_figure(at: AppTest) -> dict:
    return next(spec for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
                if any(t.get("type") in POINTS for t in spec["data"]))


def _values(column) -> np.ndarray:
    """A trace's x or y: a list, or a base64 typed array as Plotly sends numpy arrays."""
    if isinstance(column, dict):
        return np.frombuffer(base64.b64decode(column["bdata"]), dtype=np.dtype(column["dtype"]))
    return np.asarray(column, dtype=float)


def test_a_downsampled_map_draws_every_point_as_density_beneath_the_sample():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception
    assert all(t["type"] != "heatmap" for t in _map_figure(at)["data"])  # 1,797 points: all drawn
    at.number_input(key="ee_w_max_points").set_value(1_000).run()
    assert not at.exception
    coloured = _map_figure(at)  # coloured by cluster: the density is a PNG coloured as the points
    assert all(t["type"] != "heatmap" for t in coloured["data"])
    assert coloured["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert any("coloured as the points" in a["text"] for a in coloured["layout"]["annotations"])
    at.selectbox(key="ee_w_color").set_value("(none)").run()
    assert not at.exception
    figure = _map_figure(at)
    assert figure["data"][0]["type"] == "heatmap"
    assert any("All 1,797 points are drawn as a density image" in a["text"] for a in figure["layout"]["annotations"])


def test_a_zoom_in_the_link_draws_only_the_points_in_view_and_every_one_of_them():
    from core.maps.region import Region

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca", "color": "digit"})
    at.run()
    xy = np.array([(x, y) for t in _map_figure(at)["data"] if t["type"] in POINTS
                   for x, y in zip(_values(t["x"]), _values(t["y"]))])
    region = Region(float(np.quantile(xy[:, 0], 0.3)), float(np.quantile(xy[:, 0], 0.8)),
                    float(np.quantile(xy[:, 1], 0.2)), float(np.quantile(xy[:, 1], 0.7)))
    at.query_params["zoom"] = region.text()
    at.number_input(key="ee_w_max_points").set_value(1_000).run()
    assert not at.exception
    drawn = np.array([(x, y) for t in _map_figure(at)["data"] if t["type"] in POINTS
                      for x, y in zip(_values(t["x"]), _values(t["y"]))])
    assert len(drawn) == int(region.contains(xy).sum()) > 0  # fewer than 1,000 in view: every one drawn
    assert region.contains(drawn).all()
    assert any("Zoomed in" in c.value for c in at.caption)
    assert at.button(key="ee_map_zoom_out").click().run() and "zoom" not in at.query_params


def test_a_box_or_lasso_selects_every_row_of_the_whole_dataset_inside_it():
    from components.maps.plots import selection_shapes
    from components.maps.zoom import whole_selection

    coords = np.random.default_rng(3).normal(size=(100_000, 2)).astype(np.float32)
    event = {"points": [], "point_indices": [],  # as Streamlit reports a box and a lasso (a triangle here)
             "box": [{"xref": "x", "yref": "y", "x": [0.5, -0.5], "y": [-0.25, 0.75]}],
             "lasso": [{"xref": "x", "yref": "y", "x": [1.0, 2.0, 1.0], "y": [1.0, 1.0, 2.0]}]}
    in_view = coords[:, 0] > -0.25  # a filter or a zoom leaves the rest out
    drawn = np.arange(0, len(coords), 20)
    rows, count = whole_selection(coords, in_view, selection_shapes(event), drawn)
    x, y = coords[:, 0], coords[:, 1]
    in_box = (np.abs(x) < 0.5) & (y > -0.25) & (y < 0.75)
    in_triangle = (x > 1.0) & (y > 1.0) & (x + y < 3.0)
    brute = np.flatnonzero(in_view & (in_box | in_triangle))
    assert rows == brute.tolist() and len(brute) > 5_000
    assert count == f"{len(brute):,} of the whole dataset ({np.isin(brute, drawn).sum():,} drawn)"
    assert selection_shapes({"box": [{"x": [0, 1], "y": [0]}], "lasso": [{"x": [0, 1], "y": [0, 1]}]}) == []


def _recolouring(at: AppTest) -> dict:
    """The colouring the Map page sent beside its chart (the JSON its recolouring script carries)."""
    body = next(h.proto.body for h in at.get("html") if "__eeRecolour" in h.proto.body)
    return json.loads(body.split("colourings[\"ee_map_chart\"] = ", 1)[1].split(";\n", 1)[0])


def test_a_colour_change_on_a_large_map_keeps_its_figure_and_sends_the_colouring_beside_it():
    """30,000 points drawn: the chart's figure stays byte-identical (Streamlit then sends a reference to the one
    the browser holds) and the new colours travel as one code a point."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "glove-words", "n": "30000", "model": "precomputed", "method": "pca",
                            "clusters": "none"})
    at.run()
    assert not at.exception
    spec = at.get("plotly_chart")[0].proto.spec
    points = [t for t in json.loads(spec)["data"] if t["type"] == "scattergl"]
    assert len(points) == 1 and len(_values(points[0]["marker"]["color"])) == 30_000
    at.selectbox(key="ee_w_color").set_value("frequency_rank").run()
    assert not at.exception
    assert at.get("plotly_chart")[0].proto.spec == spec
    colouring = _recolouring(at)
    codes = np.frombuffer(base64.b64decode(colouring["codes"]), dtype=np.uint8)
    assert len(codes) == 30_000 and colouring["tag"] != points[0]["meta"]
    assert codes[0] == 0 and codes[-1] == 254 and (np.diff(codes.astype(int)) >= 0).all()  # rows in rank order
    assert colouring["tag"].split(":")[0] == points[0]["meta"].split(":")[0]  # the same drawn points
    assert any("frequency_rank" in h.proto.body for h in at.get("html"))  # the legend
