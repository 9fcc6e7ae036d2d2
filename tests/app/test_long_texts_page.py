"""AppTest: the Data page says how many texts run over the model's window and suggests chunking."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.embedding.models import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


@pytest.mark.slow
def test_data_page_warns_about_long_lee_documents_and_offers_chunking():
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=TIMEOUT)
    at.session_state["ee_w_builtin"] = "lee-documents"
    at.run()
    assert not at.exception
    assert at.selectbox(key="ee_w_model").value == DEFAULT_MODEL
    warnings = [w.value for w in at.warning]
    assert any("101 of 350 texts are longer than this model's 256-token window" in w for w in warnings), warnings
    assert any("windows, about" in w for w in warnings)
    longest = [d.value for d in at.dataframe if "tokens past the window" in d.value.columns]
    assert longest[0]["tokens"].iloc[0] == 784 and longest[0]["tokens past the window"].iloc[0] == 784 - 254
    at.segmented_control(key="ee_w_long_texts").set_value("chunk").run()
    assert not at.exception
    assert at.number_input(key="ee_w_overlap").value == 32


@pytest.mark.slow
def test_data_page_says_nothing_when_every_text_fits():
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert not [w for w in at.warning if "window" in w.value]
    assert not at.segmented_control  # no long-text choice for the Lee sentences
