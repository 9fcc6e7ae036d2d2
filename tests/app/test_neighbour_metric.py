"""AppTest: a clicked point's neighbours follow the metric chosen beside them (brute force as the oracle)."""
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, SAVED, DataChoice
from core.data.builtins import digits

ROOT = Path(__file__).resolve().parents[2]


def _neighbour_frame(at: AppTest):
    return next(df.value for df in at.dataframe if "rank" in df.value.columns and "neighbour" in df.value.columns)


def test_the_neighbour_table_follows_the_chosen_metric():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[SAVED] = {"ee_w_method": "pca", "ee_w_clusters": "none"}
    at.session_state[ACTIVE] = DataChoice("builtin", "digits", model="precomputed")
    at.run()
    at.session_state["ee_map_chart"] = {"selection": {"points": [{"customdata": 0}], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert "cosine distance" in _neighbour_frame(at).columns
    at.selectbox(key="ee_w_nb_metric").select("l1").run()
    assert not at.exception
    table = _neighbour_frame(at)
    vectors = digits().vectors
    expected = np.argsort(cdist(vectors[:1], vectors, "cityblock")[0], kind="stable")[1:len(table) + 1]
    labels = digits().frame["label"].to_numpy()
    assert "l1 distance" in table.columns and list(table["neighbour"]) == list(labels[expected])


def test_the_map_can_be_coloured_by_how_alone_each_point_is():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[SAVED] = {"ee_w_method": "pca", "ee_w_clusters": "none"}
    at.session_state[ACTIVE] = DataChoice("builtin", "digits", model="precomputed")
    at.run()
    column = next(o for o in at.selectbox(key="ee_w_color").options if o.startswith("outlier:"))
    at.selectbox(key="ee_w_color").select(column).run()
    assert not at.exception
    assert any(column in c.proto.spec for c in at.get("plotly_chart"))  # the colour bar names it
