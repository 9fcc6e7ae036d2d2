"""AppTest: the Search page indexes the current data into Chroma, answers queries, and manages the store."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.search.seam import STORE_UNAVAILABLE
from components.state import ACTIVE, SAVED, DataChoice
from core.search.engine import EXACT_BELOW
from tests.support.store_holder import holding

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


def search_page(choice: DataChoice | None = None, *, method: str = "pca") -> AppTest:
    """The Search page with the Map's method set (PCA by default: fast, and PCA can place a query on the map)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = {"ee_w_method": method}
    if choice is not None:
        at.session_state[ACTIVE] = choice
    return at.switch_page("pages/search.py").run()


def chart_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def chart_traces(at: AppTest) -> dict[str, dict]:
    return {trace.get("name"): trace for trace in chart_spec(at)["data"]}


def results(at: AppTest):
    tables = [d.value for d in at.dataframe if {"rank", "similarity", "text"} <= set(d.value.columns)]
    assert len(tables) == 1, f"expected one results table, found {len(tables)}"
    return tables[0]


def exact_digit_neighbours(row: int, k: int) -> list[tuple[int, int]]:
    """(row, digit) of the k nearest digits images by cosine, by brute force outside the app."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.data / np.linalg.norm(digits.data, axis=1, keepdims=True)
    order = np.argsort(-(x @ x[row]), kind="stable")[:k]
    return [(int(i), int(digits.target[i])) for i in order]


def store_table(at: AppTest):
    tables = [d.value for d in at.dataframe if {"name", "count", "metric", "status"} <= set(d.value.columns)]
    assert len(tables) == 1, f"expected one store table, found {len(tables)}"
    return tables[0]


def index_current_data(at: AppTest) -> None:
    at.button(key="ee_search_index").click().run()
    assert not at.exception
    assert any(s.value.startswith("Indexed: ") for s in at.success)


def test_digits_index_then_search_from_a_point(data_dir):
    at = search_page(DataChoice(dataset="digits", model="precomputed"))
    assert not at.exception
    assert at.title[0].value == "Search"
    assert "not in the store yet" in at.info[0].value
    index_current_data(at)
    assert "complete (1,797 vectors)" in " ".join(c.value for c in at.caption)
    # a text query is impossible for the data's own vectors, so the page says so
    assert any("came with the data" in i.value for i in at.info)
    at.segmented_control(key="ee_w_search_mode").set_value("point").run()
    at.selectbox(key="ee_w_search_row").set_value(5).run()
    assert not at.exception
    table = results(at)
    assert len(table) == 10 and table["rank"].tolist() == list(range(1, 11))
    assert table["text"].iloc[0] == "digit 5 (#5)" and table["distance"].iloc[0] == pytest.approx(0, abs=1e-4)
    assert table["text"].tolist() == [f"digit {d} (#{i})" for i, d in exact_digit_neighbours(5, 10)]
    assert at.metric[0].label == "Recall@10 vs exact" and at.metric[0].value == "1.00"
    traces = chart_traces(at)
    assert {"other points", "top 10 hits", "query"} <= set(traces)
    assert traces["top 10 hits"]["text"] == [str(i) for i in range(1, 11)]


def test_a_point_picked_on_the_map_becomes_the_query(data_dir):
    at = search_page(DataChoice(dataset="digits", model="precomputed"))
    index_current_data(at)
    # what Streamlit stores when the user clicks the point of row 42 on the search map
    at.session_state["ee_search_map"] = {"selection": {"points": [{"customdata": 42}], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert at.segmented_control(key="ee_w_search_mode").value == "point"
    assert at.selectbox(key="ee_w_search_row").value == 42
    assert results(at)["text"].iloc[0] == "digit 1 (#42)"


def test_filters_reach_chroma(data_dir):
    at = search_page(DataChoice(dataset="digits", model="precomputed"))
    index_current_data(at)
    at.segmented_control(key="ee_w_search_mode").set_value("point").run()
    at.selectbox(key="ee_w_search_filter_col").set_value("digit").run()
    at.multiselect(key="ee_w_search_values_digit").set_value(["3"]).run()
    at.number_input(key="ee_w_search_k").set_value(25).run()
    assert not at.exception
    table = results(at)
    assert len(table) == 25 and (table["digit"] == "3").all()
    assert at.metric[0].label == "Recall@25 vs exact"
    at.text_input(key="ee_w_search_contains").input("(#1").run()  # labels read "digit 3 (#1234)"
    table = results(at)
    assert len(table) == 25 and table["text"].str.startswith("digit 3 (#1").all()
    at.text_input(key="ee_w_search_contains").input("no such label").run()
    assert any("No stored row passes these filters" in w.value for w in at.warning)


def test_store_management_lists_and_deletes_with_confirmation(data_dir):
    at = search_page(DataChoice(dataset="digits", model="precomputed"))
    index_current_data(at)
    table = store_table(at)
    assert table["count"].tolist() == [1797] and table["metric"].tolist() == ["cosine"]
    assert "MB on disk" in " ".join(c.value for c in at.caption)
    assert at.button(key="ee_store_delete").disabled  # nothing is deleted without the confirmation
    at.checkbox(key="ee_store_delete_confirm").check().run()
    at.button(key="ee_store_delete").click().run()
    assert not at.exception
    assert any(s.value.startswith("Deleted ") for s in at.success)
    assert "not in the store yet" in at.info[0].value


def test_each_metric_has_its_own_collection(data_dir):
    at = search_page(DataChoice(dataset="digits", model="precomputed"))
    index_current_data(at)
    at.segmented_control(key="ee_w_search_metric").set_value("l2").run()
    assert "not in the store yet" in at.info[0].value
    index_current_data(at)
    assert sorted(store_table(at)["metric"]) == ["cosine", "l2"]


LEE_LSA = DataChoice(dataset="lee-sentences", model="tfidf-lsa")  # text queries without loading a transformer


def test_the_search_button_runs_the_typed_query_and_the_page_says_which_engine_answered(data_dir):
    at = search_page(LEE_LSA)
    index_current_data(at)
    at.text_input(key="ee_w_search_text").input("bushfires near Sydney")
    at.button(key="ee_search_go").click().run()
    assert not at.exception
    table = results(at)
    assert len(table) == 10 and table["rank"].tolist() == list(range(1, 11))
    captions = " ".join(c.value for c in at.caption)
    assert f"**Answered by exact search (numpy)**: below {EXACT_BELOW:,} vectors" in captions  # 2,756 sentences
    assert at.metric[0].label == "Recall@10 vs exact"


def test_with_tsne_on_the_map_the_search_map_places_the_query_and_says_how(data_dir):
    at = search_page(LEE_LSA, method="tsne")
    assert not at.exception
    index_current_data(at)
    at.text_input(key="ee_w_search_text").input("bushfires near Sydney").run()
    assert not at.exception
    assert any(c.value.startswith("The Map uses t-SNE, which cannot place a new point such as the query, so this "
                                  "map is drawn with PCA") for c in at.caption)
    spec = chart_spec(at)
    assert spec["layout"]["title"]["text"].startswith("PCA of ")
    traces = {trace.get("name"): trace for trace in spec["data"]}
    assert {"other points", "top 10 hits", "query"} <= set(traces)  # the query's star is on the map


def test_the_search_map_does_not_wait_for_the_maps_umap(data_dir):
    at = search_page(LEE_LSA, method="umap")  # no UMAP computed yet in this fresh data folder
    index_current_data(at)
    assert any(c.value == "The Map's UMAP is not computed yet, so this map is drawn with PCA until the Map page has "
                          "computed it." for c in at.caption)
    assert chart_spec(at)["layout"]["title"]["text"].startswith("PCA of ")


@pytest.mark.slow
def test_lee_corpus_text_search_finds_the_bushfires(data_dir):
    at = search_page()  # the default: Lee sentences with the default model (MiniLM, int8 ONNX)
    assert not at.exception
    index_current_data(at)
    at.text_input(key="ee_w_search_text").input("bushfires near Sydney").run()
    assert not at.exception
    table = results(at)
    top = table["text"].iloc[0].lower()
    assert "fire" in top and "sydney" in top
    assert table["text"].head(5).str.lower().str.contains("fire").sum() >= 4
    assert float(at.metric[0].value) >= 0.9
    traces = chart_traces(at)
    assert {"top 10 hits", "query"} <= set(traces)  # PCA placed the query on the map


def test_a_store_held_by_another_process_is_one_clear_error(data_dir, caplog):
    with holding(data_dir / "chroma") as holder:
        at = search_page(DataChoice(dataset="digits", model="precomputed"))
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value == STORE_UNAVAILABLE  # visitors get the sentence
    assert f"in use by process {holder.pid} (" in caplog.text  # the server's log gets who holds it, and the way out
    assert "CHROMA_HOST=127.0.0.1" in caplog.text and "CHROMA_HOST" not in at.error[0].value
    at.run()  # the holder has exited: the page opens the store on the next run
    assert not at.exception and not at.error
    assert "not in the store yet" in at.info[0].value
