"""AppTest: the upload path, from a small CSV to a map, and state that survives page switches."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.embedding.models import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[2]
TOPICS = {
    "sport": ["The team won the football match", "A striker scored two goals", "The cricket test ended in a draw",
              "The tennis final went to five sets", "Fans cheered the winning goal"],
    "weather": ["Heavy rain flooded the valley", "A storm brought strong winds", "Snow fell across the mountains",
                "The heatwave broke temperature records", "Bushfires spread in the dry heat"],
}


def _csv() -> bytes:
    rows = ["text,topic,score"] + [f'"{t}",{topic},{i}' for topic, texts in TOPICS.items() for i, t in enumerate(texts)]
    rows.append('"",sport,99')  # empty text: excluded and reported
    return ("\n".join(rows) + "\n").encode()


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.switch_page("pages/data.py").run()
    return at


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.radio(key="ee_w_source").set_value("upload").run()
    at.file_uploader(key="ee_upload_table").set_value((name, content, "text/csv")).run()
    return at


@pytest.mark.slow
def test_uploaded_csv_reaches_the_map():
    at = _upload(_data_page(), "topics.csv", _csv())
    assert not at.exception
    assert at.selectbox(key="ee_upload_text_col").value == "text"
    at.button(key="ee_upload_use_table").click().run()
    assert any("1 row(s) excluded: 1 empty text" in w.value for w in at.warning)
    at.selectbox(key="ee_w_model").set_value("tfidf-lsa").run()
    at.button(key="ee_embed").click().run()
    assert not at.exception
    assert any("10 vectors" in s.value for s in at.success)
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert "topics.csv" in at.caption[0].value and "10 points" in at.caption[0].value
    assert len(at.get("plotly_chart")) == 1
    at.selectbox(key="ee_w_color").set_value("topic").run()
    assert not at.exception


def test_binary_upload_gets_a_clear_error_and_no_crash():
    at = _upload(_data_page(), "broken.csv", bytes(range(256)) * 8)
    assert not at.exception
    assert at.error and "broken.csv is not text or a table file" in at.error[0].value
    assert "Re-save" not in at.error[0].value


def test_empty_upload_is_refused():
    at = _upload(_data_page(), "empty.csv", b"")
    assert not at.exception
    assert at.error and "empty" in at.error[0].value.lower()


@pytest.mark.slow
def test_chosen_data_survives_page_switches():
    """AppTest's switch_page runs page scripts without the router; widget values are checked in tests/e2e."""
    at = _data_page()
    at.selectbox(key="ee_w_builtin").set_value("digits").run()
    at.button(key="ee_embed").click().run()
    at.switch_page("pages/map.py").run()
    assert "1,797 points" in at.caption[0].value
    at.selectbox(key="ee_w_color").set_value("digit").run()
    assert not at.exception
    at.switch_page("pages/data.py").run()
    assert any("Handwritten digits" in c.value for c in at.caption)
    at.switch_page("pages/map.py").run()
    assert "1,797 points" in at.caption[0].value


def test_nested_json_upload_is_refused_at_upload():
    payload = b'{"meta": {"source": "api", "year": 2024}, "items": [1, 2, 3]}'
    at = _upload(_data_page(), "nested.json", payload)
    assert not at.exception
    assert at.error and 'nested.json is a nested JSON object: "meta" holds an object' in at.error[0].value


def _npy_bytes() -> bytes:
    import io

    import numpy as np

    vectors = np.random.default_rng(0).normal(size=(16, 16)).astype(np.float32)
    vectors[3] = np.nan
    buf = io.BytesIO()
    np.save(buf, vectors)
    return buf.getvalue()


def test_vectors_only_upload_defaults_to_its_own_vectors_and_offers_no_text_model():
    at = _data_page()
    assert at.selectbox(key="ee_w_model").value == DEFAULT_MODEL  # remembered from the built-in text dataset
    at.radio(key="ee_w_source").set_value("upload").run()
    at.radio(key="ee_w_upload_kind").set_value("npy").run()
    at.file_uploader(key="ee_upload_npy").set_value(("nan.npy", _npy_bytes(), "application/octet-stream")).run()
    at.button(key="ee_upload_use_npy").click().run()
    assert not at.exception
    picker = at.selectbox(key="ee_w_model")
    assert picker.value == "precomputed" and picker.options == ["The data's own vectors"]
    at.button(key="ee_embed").click().run()
    assert any("15 vectors of dimension 16" in s.value for s in at.success)


def test_an_upload_error_removes_the_previous_files_embed_button():
    at = _upload(_data_page(), "topics.csv", _csv())
    at.button(key="ee_upload_use_table").click().run()
    assert [b for b in at.button if b.key == "ee_embed"]
    at.file_uploader(key="ee_upload_table").set_value(("broken.csv", bytes(range(256)) * 8, "text/csv")).run()
    assert at.error and "broken.csv" in at.error[0].value
    assert not [b for b in at.button if b.key == "ee_embed"]


def test_another_upload_kind_clears_the_previous_files_controls():
    at = _upload(_data_page(), "topics.csv", _csv())
    at.button(key="ee_upload_use_table").click().run()
    assert [b for b in at.button if b.key == "ee_embed"] and at.selectbox(key="ee_w_model")
    at.radio(key="ee_w_upload_kind").set_value("npy").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "ee_embed"]
    assert not [s for s in at.selectbox if s.key == "ee_w_model"]
    assert not any("topics.csv" in c.value for c in at.caption)
    assert any("Upload a file" in i.value for i in at.info)
