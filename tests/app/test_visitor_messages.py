"""What a visitor reads says what happened in words: no exception class names, no settings meant for whoever runs
the app, no paths of the server. The details go to the server's log."""
from __future__ import annotations

import re
import socket
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, DataChoice

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
DIGITS = DataChoice("builtin", "digits", model="precomputed")
EXCEPTION_NAME = re.compile(r"\((?:\w+\.)*[A-Z]\w*(?:Error|Exception|Invalid|Warning)\b")
SETTING_NAME = re.compile(r"\b(?:CHROMA_HOST|CHROMA_PORT|EE_[A-Z_]+|HF_[A-Z_]+)\b")


def _page(page: str, choice: DataChoice | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if choice is not None:
        at.session_state[ACTIVE] = choice
    return at.switch_page(f"pages/{page}.py").run()


def _messages(at: AppTest) -> list[str]:
    return [e.value for kind in ("error", "warning", "info", "success", "caption") for e in getattr(at, kind)]


def assert_plain(at: AppTest, data_dir: Path) -> None:
    """Every message on the page is free of internals."""
    assert not at.exception, at.exception
    for text in _messages(at):
        assert not EXCEPTION_NAME.search(text), text
        assert not SETTING_NAME.search(text), text
        assert str(data_dir) not in text and str(ROOT) not in text, text


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_damaged_upload(data_dir):
    at = _page("data")
    at.radio(key="ee_w_source").set_value("upload").run()
    at.file_uploader(key="ee_upload_table").set_value(("broken.parquet", b"PAR1 not really", "application/x-parquet"))
    at.run()
    assert_plain(at, data_dir)
    assert "broken.parquet could not be read as Parquet" in at.error[0].value


def test_a_model_that_cannot_load(data_dir, caplog):
    at = _page("map", DataChoice("builtin", "lee-sentences", model="st:no-such-model-here"))
    assert_plain(at, data_dir)
    assert "Model 'no-such-model-here' could not be loaded offline" in at.error[0].value
    assert "EE_ALLOW_DOWNLOADS=1" in caplog.text  # what the person who runs the app can do about it


def test_an_unreachable_chroma_server(data_dir, monkeypatch, caplog):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port := _closed_port()))
    at = _page("search", DIGITS)
    assert_plain(at, data_dir)
    assert len(at.error) == 1 and "search store cannot be opened" in at.error[0].value
    assert f"127.0.0.1:{port}" in caplog.text and "CHROMA_HOST" in caplog.text


def test_the_search_page_says_where_the_store_is_in_words(data_dir):
    at = _page("search", DIGITS)
    assert_plain(at, data_dir)
    assert "· embedded store" in at.caption[0].value  # the page header, without the store's folder


def test_the_fine_tune_page_names_no_folder(data_dir):
    at = _page("finetune", DIGITS)
    assert_plain(at, data_dir)
    assert any(c.value.startswith("None yet.") for c in at.caption)
