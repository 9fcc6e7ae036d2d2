"""AppTest: a map with more points than it draws shows every point as a density image under the drawn sample."""
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _map_figure(at: AppTest) -> dict:
    return next(spec for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
                if any(t.get("type") == "scattergl" for t in spec["data"]))


def test_a_downsampled_map_draws_every_point_as_density_beneath_the_sample():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception
    assert all(t["type"] != "heatmap" for t in _map_figure(at)["data"])  # 1,797 points: all drawn
    at.number_input(key="ee_w_max_points").set_value(1_000).run()
    assert not at.exception
    figure = _map_figure(at)
    assert figure["data"][0]["type"] == "heatmap"
    assert any("All 1,797 points are drawn as a density image" in a["text"] for a in figure["layout"]["annotations"])
