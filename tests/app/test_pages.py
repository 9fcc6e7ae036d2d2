"""AppTest: every page renders with default state, and the upload path reaches a map."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


@pytest.mark.slow
def test_default_map_shows_lee_sentences():
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "Map"
    chart = at.get("plotly_chart")
    assert len(chart) == 1
    assert "Lee news corpus" in at.caption[0].value
    assert "2,756 points" in at.caption[0].value


@pytest.mark.slow
def test_data_page_renders_and_embeds_digits():
    at = _app().run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Data"
    at.selectbox(key="ee_w_builtin").select("digits").run()
    assert at.selectbox(key="ee_w_model").value == "precomputed"
    at.button(key="ee_embed").click().run()
    assert not at.exception
    assert any("1,797 vectors of dimension 64" in s.value for s in at.success)
