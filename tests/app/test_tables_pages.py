"""AppTest: a built-in table on the Data page (the table model and its card) and on the Map page (why two selected
rows are close)."""
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, SAVED, DataChoice

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
GAPMINDER = DataChoice("builtin", "gapminder", model="table")


def _app() -> AppTest:
    """The app on Gapminder embedded by the table model, mapped with PCA (quick)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    at.session_state[ACTIVE] = GAPMINDER
    return at


def test_the_data_page_embeds_gapminder_with_the_table_model():
    at = _app().switch_page("pages/data.py").run()
    at.selectbox(key="ee_w_builtin").select("gapminder").run()
    assert not at.exception
    assert at.selectbox(key="ee_w_model").options == ["Table columns (standardised numbers, one-hot categories, "
                                                      "date parts)"]
    assert any("Features: 4 numeric, 1 categorical column(s)" in c.value for c in at.caption)
    pick = next(df.value for df in at.dataframe if "used as" in df.value.columns).set_index("column")
    assert pick.loc["country", "used as"] == "left out: not among the chosen columns"
    assert pick.loc["continent", "missing"] == 0
    at.button(key="ee_embed").click().run()
    assert not at.exception
    assert any("1,704 vectors of dimension 9" in s.value for s in at.success)


def test_the_columns_left_out_on_the_data_page_change_the_vectors():
    at = _app().switch_page("pages/data.py").run()
    at.selectbox(key="ee_w_builtin").select("gapminder").run()
    at.multiselect(key="ee_w_table_exclude").select("continent").run()
    assert not at.exception
    pick = next(df.value for df in at.dataframe if "used as" in df.value.columns).set_index("column")
    assert pick.loc["continent", "used as"].startswith("left out")
    at.button(key="ee_embed").click().run()
    assert not at.exception
    assert any("1,704 vectors of dimension 4" in s.value for s in at.success)


def test_two_selected_rows_show_which_columns_set_them_apart():
    at = _app().run()
    assert not at.exception and at.title[0].value == "Map"
    at.session_state["ee_map_chart"] = {"selection": {"points": [{"customdata": 0}, {"customdata": 11}],
                                                      "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    charts = [c.proto.spec for c in at.get("plotly_chart") if "share of the squared distance" in c.proto.spec]
    assert len(charts) == 1 and "Afghanistan 1952" in charts[0] and "Afghanistan 2007" in charts[0]
    assert '"year"' in charts[0] and '"continent"' in charts[0]
    assert any("part of the squared Euclidean distance" in c.value for c in at.caption)


def test_evaluating_a_feature_column_embeds_the_rows_again_without_it():
    at = _app().switch_page("pages/evaluate.py").run()
    at.selectbox(key="ee_w_eval_label").select("continent").run()
    at.button(key="ee_eval_labels_run").click().run()
    assert not at.exception
    assert any("“continent” is one of the table model's features" in c.value for c in at.caption)
    accuracy = float(at.metric[1].value.rstrip("%")) / 100  # logistic regression, without the continent columns
    assert 0.5 < accuracy < 0.99


def test_search_asks_a_table_with_a_row_and_finds_its_nearest_rows(tmp_path, monkeypatch):
    from core.data.builtins import load_builtin
    from core.embedding.encode import embed_dataset

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))  # a fresh Chroma store
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = _app().switch_page("pages/search.py").run()
    at.button(key="ee_search_index").click().run()
    assert at.segmented_control(key="ee_w_search_mode").options == ["A point", "A vector file"]
    at.selectbox(key="ee_w_search_row").set_value(100).run()
    assert not at.exception
    hits = next(d.value for d in at.dataframe if {"rank", "text"} <= set(d.value.columns))
    vectors = embed_dataset(load_builtin("gapminder"), "table")[0].vectors
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    nearest = np.argsort(-(unit @ unit[100]), kind="stable")[:len(hits)]
    assert hits["text"].tolist() == load_builtin("gapminder").frame["row"].iloc[nearest].tolist()
