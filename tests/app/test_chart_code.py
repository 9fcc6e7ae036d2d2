"""AppTest: a session's first run sends a placeholder chart, so the browser loads Plotly's code while the page
computes, and no page is left showing it."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _asks(clear: bool) -> None:
    from components.chart_code import ask_for_chart_code, clear_chart_code

    ask_for_chart_code()
    if clear:
        clear_chart_code()


def test_only_a_sessions_first_run_sends_the_placeholder_and_clearing_removes_it():
    at = AppTest.from_function(_asks, args=(False,))
    at.run()
    assert len(at.sidebar.get("plotly_chart")) == 1
    at.run()
    assert not at.sidebar.get("plotly_chart")  # the browser has the code already
    cleared = AppTest.from_function(_asks, args=(True,))
    cleared.run()
    assert not cleared.sidebar.get("plotly_chart")


def _asks_then_stops() -> None:
    import streamlit as st

    from components.chart_code import ask_for_chart_code, clear_chart_code

    ask_for_chart_code()
    try:
        st.stop()
    finally:
        clear_chart_code()  # as the router does: once stopped, nothing more can be sent
    st.write("never reached")


def test_a_stopped_first_run_leaves_a_blank_placeholder_that_the_next_run_drops():
    at = AppTest.from_function(_asks_then_stops)
    at.run()
    assert not at.exception
    spec = json.loads(at.sidebar.get("plotly_chart")[0].proto.spec)
    assert not spec["layout"]["xaxis"]["visible"] and not spec["layout"]["yaxis"]["visible"]
    at.run()
    assert not at.exception and not at.sidebar.get("plotly_chart")


def test_a_page_shows_its_own_charts_only(data_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception
    assert not at.sidebar.get("plotly_chart")
    assert at.get("plotly_chart")[0].proto.spec.count('"customdata"')  # the first chart is the map
