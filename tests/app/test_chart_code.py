"""AppTest: a session's first run sends a placeholder chart, so the browser loads Plotly's code while the page
computes, and no page is left showing it."""
from __future__ import annotations

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


def test_a_page_shows_its_own_charts_only(data_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception
    assert not at.sidebar.get("plotly_chart")
    assert at.get("plotly_chart")[0].proto.spec.count('"customdata"')  # the first chart is the map
