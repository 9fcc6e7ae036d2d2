"""AppTest: widgets made with persist() keep their values across pages; pages without usable data say so."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, DataChoice

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
UNUSABLE = DataChoice(dataset="digits", model="no-such-model")


def two_pages() -> None:
    """A router like app.py's over two pages, only the first with widgets; `live` widgets save themselves."""
    import streamlit as st

    from components.state import forget, persist, save_widget_state

    live = st.session_state.get("live", False)
    try:
        if st.session_state.get("page", "widgets") == "widgets":
            st.slider("k", 1, 50, **persist("ee_w_test_k", 15, live=live))
            letters = st.session_state.get("letters", ["a", "b", "c"])
            st.multiselect("Letters", letters, **persist("ee_w_test_letters", ["a"], options=letters, live=live))
            st.button("Start again", key="reset", on_click=forget, args=("ee_w_test_k",))
        else:
            st.write("Another page")
    finally:
        if not live:
            save_widget_state()


def visit(at: AppTest, page: str) -> AppTest:
    at.session_state["page"] = page
    return at.run()


@pytest.mark.parametrize("live", [False, True], ids=["saved-by-router", "live"])
def test_a_persisted_widget_keeps_its_value_across_pages(live):
    at = AppTest.from_function(two_pages, default_timeout=TIMEOUT)
    at.session_state["live"] = live
    visit(at, "widgets")
    assert at.slider(key="ee_w_test_k").value == 15 and at.multiselect(key="ee_w_test_letters").value == ["a"]
    at.slider(key="ee_w_test_k").set_value(30)
    at.multiselect(key="ee_w_test_letters").set_value(["b", "c"]).run()
    visit(at, "other")
    assert "ee_w_test_k" not in at.session_state  # Streamlit dropped the hidden widget's state
    at.session_state["letters"] = ["a", "b"]  # "c" is no longer an option when the widget comes back
    visit(at, "widgets")
    assert not at.exception
    assert at.slider(key="ee_w_test_k").value == 30
    assert at.multiselect(key="ee_w_test_letters").value == ["b"]
    at.button(key="reset").click().run()
    assert at.slider(key="ee_w_test_k").value == 15  # forget() starts it again from its default


def test_map_colour_and_point_budget_survive_a_visit_to_the_data_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    at.selectbox(key="ee_w_color").set_value("digit")
    at.number_input(key="ee_w_max_points").set_value(2_000).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception and "ee_w_color" not in at.session_state
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.selectbox(key="ee_w_color").value == "digit"
    assert at.number_input(key="ee_w_max_points").value == 2_000


@pytest.mark.parametrize("page,title", [("compare", "Compare"), ("map", "Map"), ("search", "Search")])
def test_a_page_without_usable_data_says_why_and_links_to_the_data_page(page, title, tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[ACTIVE] = UNUSABLE
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    assert at.title[0].value == title
    assert len(at.error) == 1 and "Unknown model 'no-such-model'" in at.error[0].value
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert links == [("Choose other data or another model", "data")]
    assert not at.caption and not at.get("plotly_chart")
