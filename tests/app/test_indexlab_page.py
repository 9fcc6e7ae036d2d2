"""AppTest: the Index lab page on the digits' own vectors: the metrics' agreement, a lab run and its results."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.datasets import load_digits
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, DataChoice

ROOT = Path(__file__).resolve().parents[2]
DIGITS = DataChoice(dataset="digits", model="precomputed")


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[ACTIVE] = DIGITS
    at.switch_page("pages/indexlab.py").run()
    assert not at.exception, at.exception
    return at


def test_the_lab_page_compares_metrics_and_measures_every_index():
    at = _page()
    assert at.title[0].value == "Index lab" and "1,797 points" in at.caption[0].value
    assert any("not all of unit length" in c.value for c in at.caption)
    metrics = [d.value for d in at.dataframe if "when to use it" in d.value.columns][0]
    assert len(metrics) == 5
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == "Top-10 neighbours two metrics share"
    assert spec["data"][0]["x"] == ["Cosine", "Dot product", "L2 (Euclidean)", "L1 (Manhattan)", "Hamming (binary codes)"]

    at.selectbox(key="ee_w_nb_metric").set_value("l1")
    at.number_input(key="ee_w_indexlab_row").set_value(7).run()
    assert not at.exception
    shown = [d.value for d in at.dataframe if "also a cosine neighbour" in d.value.columns][0]
    X = load_digits().data
    dist = cdist(X[7:8], X, "cityblock")[0]
    dist[7] = np.inf
    rows = [int(re.search(r"#(\d+)", text).group(1)) for text in shown["neighbour"]]
    np.testing.assert_array_equal(np.sort(dist[rows]), np.sort(dist)[:10])  # the 10 nearest by L1 (ties either way)

    at.number_input(key="ee_w_queries").set_value(40)
    at.number_input(key="ee_w_k").set_value(5)
    at.text_input(key="ee_w_ef_search").set_value("10, 50")
    at.button[0].click().run()  # the form's Run button
    at.session_state["ee_indexlab_job"].result()  # wait for the background run
    at.run()
    assert not at.exception and not at.error
    table = [d.value for d in at.dataframe if "recall@k" in d.value.columns][0]
    assert table["index"].iloc[0] == "exact" and table["recall@k"].iloc[0] == 1.0
    assert {"Chroma HNSW ef_search=10", "Chroma HNSW ef_search=50", "FAISS HNSW", "int8 (float query)"} <= set(table["index"])
    assert table["on the front"].any()
    assert at.success[0].value.endswith("a query.") and "recall@5" in at.success[0].value


def test_typed_queries_are_embedded_with_the_datas_model_and_asked_instead_of_held_out_rows():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[ACTIVE] = DataChoice("builtin", "lee-sentences", model="glove-6b-50d")
    at.switch_page("pages/indexlab.py").run()
    assert not at.exception
    at.text_area(key="ee_indexlab_typed").set_value("the government said\nbushfires near sydney\n\n").run()
    at.number_input(key="ee_w_k").set_value(5)
    at.text_input(key="ee_w_ef_search").set_value("10")
    at.button[0].click().run()
    at.session_state["ee_indexlab_job"].result()
    at.run()
    assert not at.exception and not at.error
    assert any(c.value.startswith("2 queries against 2,") for c in at.caption)


def test_typed_queries_on_vectors_without_a_model_get_one_sentence():
    at = _page()
    at.text_area(key="ee_indexlab_typed").set_value("a digit").run()
    assert not at.exception and "cannot be embedded the same way" in at.error[0].value
