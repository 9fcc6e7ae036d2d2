"""AppTest: the password gate before any page, and viewer mode, where no widget writes and no forced write lands."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from components.access.gate import PASSWORD
from components.data.long_job import EMBED_NOW
from components.data.upload import PENDING_UPLOAD
from components.state import ACTIVE, SAVED, UPLOADS, DataChoice
from core.data.table import Dataset
from tests.app.test_search_page import index_current_data, search_page, store_table

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
DIGITS = DataChoice("builtin", "digits", model="precomputed")
SECRET = "room-7-password"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    for name in ("CHROMA_HOST", "CHROMA_PORT", "EE_MODE", "EE_PASSWORD", "EE_PUBLISHED", "EE_ALLOWED_MODELS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def routed_like_a_server(monkeypatch):
    """Every run starts at app.py, as on a server once its router is in charge (AppTest alone would run a page file
    straight from pages/ after the first run)."""
    start = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        start(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def _app(page: str | None = None, choice: DataChoice | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    if choice is not None:
        at.session_state[ACTIVE] = choice
    return at.switch_page(f"pages/{page}") if page else at


def _shows_only_the_gate(at: AppTest) -> bool:
    data = [at.get(kind) for kind in ("plotly_chart", "dataframe", "table", "metric", "json", "file_uploader")]
    return (not at.exception and not any(data) and [t.value for t in at.title] == ["Embedding Explorer"]
            and [w.key for w in at.text_input] == [PASSWORD] and not at.button and not at.selectbox)


def listing(root: Path) -> dict[str, int]:
    """Every file under the data folder, with its size."""
    return {str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_data_before_the_password(data_dir, monkeypatch, routed_like_a_server, page):
    monkeypatch.setenv("EE_PASSWORD", SECRET)
    at = _app(page, DIGITS).run()
    assert _shows_only_the_gate(at), page


def test_a_wrong_password_is_refused_and_the_next_try_waits(data_dir, monkeypatch, routed_like_a_server):
    monkeypatch.setenv("EE_PASSWORD", SECRET)
    at = _app("data.py").run()
    at.text_input(key=PASSWORD).input(SECRET.upper()).run()
    assert _shows_only_the_gate(at) and at.error[0].value == "That password is not right."
    at.text_input(key=PASSWORD).input(SECRET).run()  # at once: the right password waits its turn too
    assert _shows_only_the_gate(at) and at.error[0].value.startswith("Too many wrong passwords: wait")


def test_the_right_password_opens_the_page_asked_for(data_dir, monkeypatch, routed_like_a_server):
    monkeypatch.setenv("EE_PASSWORD", SECRET)
    at = _app("data.py").run()
    at.text_input(key=PASSWORD).input(SECRET).run()
    assert not at.exception and [t.value for t in at.title] == ["Data"]
    assert PASSWORD not in at.session_state  # the typed password is not kept


def test_viewer_mode_offers_no_upload_and_no_other_model(data_dir, monkeypatch, routed_like_a_server):
    monkeypatch.setenv("EE_MODE", "viewer")
    at = _app("data.py").run()
    assert not at.exception
    assert at.radio(key="ee_w_source").options == ["Built-in dataset"]
    assert not at.get("file_uploader") and "custom" not in at.selectbox(key="ee_w_model").options
    assert any("Read-only" in c.value for c in at.sidebar.caption)
    assert "Fine-tune" not in [link.proto.label for link in at.sidebar.get("page_link")]


def test_viewer_mode_has_no_training_widgets(data_dir, monkeypatch):
    monkeypatch.setenv("EE_MODE", "viewer")
    at = _app("finetune.py").run()  # the page's file, opened directly
    assert not at.exception and "not offered on this read-only server" in at.info[0].value
    assert not at.button and not at.get("file_uploader") and not at.checkbox


def test_viewer_mode_searches_but_neither_indexes_nor_deletes(data_dir, monkeypatch):
    at = search_page(DIGITS)
    index_current_data(at)  # the operator indexed it before the room came in
    monkeypatch.setenv("EE_MODE", "viewer")
    at.run()
    assert not at.exception and store_table(at)["count"].tolist() == [1797]
    keys = {w.key for kind in ("button", "checkbox", "selectbox") for w in at.get(kind)}
    assert not {"ee_search_index", "ee_store_delete", "ee_store_delete_confirm", "ee_store_delete_name"} & keys
    at.segmented_control(key="ee_w_search_mode").set_value("point").run()
    assert not at.exception and any({"rank", "similarity"} <= set(d.value.columns) for d in at.dataframe)
    before = listing(data_dir)
    at.session_state["ee_store_delete_confirm"] = True  # forced: the confirmation of a delete that is not offered
    at.session_state["ee_store_delete_name"] = store_table(at)["name"].iloc[0]
    at.run()
    assert store_table(at)["count"].tolist() == [1797] and listing(data_dir) == before


def _upload() -> tuple[str, Dataset]:
    frame = pd.DataFrame({"text": [f"a private note number {i} about budgets" for i in range(40)]})
    return "ab" * 16, Dataset("board-minutes.csv", frame, "text")


def test_forced_write_state_changes_nothing_on_disk(data_dir, monkeypatch):
    monkeypatch.setenv("EE_MODE", "viewer")
    at = _app("data.py").run()
    before = listing(data_dir)
    key, upload = _upload()
    at.session_state[UPLOADS] = {key: upload}
    at.session_state[PENDING_UPLOAD] = key
    at.session_state[EMBED_NOW] = DataChoice("upload", key, model="tfidf-lsa")  # "embed this upload now"
    at.run()
    assert not at.exception and any("read-only" in e.value for e in at.error)
    at.session_state[ACTIVE] = DataChoice("builtin", "lee-sentences", model=f"st:{data_dir}")  # a folder as model
    at.switch_page("pages/map.py").run()
    assert not at.exception and any("cannot load other models" in e.value for e in at.error)
    assert listing(data_dir) == before


def _door() -> None:
    import streamlit as st

    from components.access.gate import admit

    if admit():
        st.text("inside")


@pytest.mark.parametrize("address", ["0.0.0.0", "127.0.0.1"])
def test_an_open_writable_server_shows_a_banner_and_logs_a_warning(data_dir, monkeypatch, capsys, address):
    from components.access import gate

    monkeypatch.setattr(gate, "bound_address", lambda: address)
    at = AppTest.from_function(_door, default_timeout=60).run()
    banner = [w.value for w in at.warning if w.value.startswith("Anyone on this network can reach this app")]
    assert at.text[0].value == "inside" and len(banner) == (address == "0.0.0.0")
    assert ("with no password and in full mode" in capsys.readouterr().out) == (address == "0.0.0.0")
    monkeypatch.setenv("EE_MODE", "viewer")  # read-only: nothing to warn about
    assert not at.run().warning


def test_the_gate_loads_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, components.access.gate\n"
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'umap', 'chromadb', 'pandas', 'numpy', "
            "'sklearn', 'onnxruntime') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_collection_from_an_upload_is_listed_only_to_its_session_and_never_by_file_name(data_dir):
    import numpy as np

    key, upload = _upload()
    upload = Dataset(upload.name, upload.frame, "text",
                     vectors=np.random.default_rng(0).normal(size=(len(upload), 8)).astype(np.float32))
    owner = _app("search.py", DataChoice("upload", key, model="precomputed"))
    owner.session_state[UPLOADS] = {key: upload}
    owner.run()
    index_current_data(owner)
    name = store_table(owner)["name"].iloc[0]
    assert "board" not in name and "minutes" not in name and key[:12] in name
    assert "board" not in store_table(owner)["dataset"].iloc[0]
    visitor = search_page(DIGITS)  # another session on the same server
    assert not at_tables(visitor) and "0 collection(s)" in " ".join(c.value for c in visitor.caption)


def at_tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe if {"name", "count", "metric", "status"} <= set(d.value.columns)]


def _forced_training_start() -> None:
    import streamlit as st

    from components.training.background import training_pool
    from components.training.run_panel import FINE_TUNING
    from core.errors import UserError
    from core.jobs import JobProgress

    try:
        FINE_TUNING.start(lambda cancel: "trained", JobProgress())
    except UserError as err:
        st.error(str(err))
    st.text(f"jobs={len(training_pool().jobs)} slot={FINE_TUNING.job() is not None}")


def test_a_training_start_forced_past_the_page_is_refused_on_the_server(data_dir, monkeypatch):
    monkeypatch.setenv("EE_MODE", "viewer")
    at = AppTest.from_function(_forced_training_start, default_timeout=60).run()
    assert at.error[0].value.startswith("This server is read-only, so visitors cannot train models here")
    assert at.text[0].value == "jobs=0 slot=False" and listing(data_dir) == {}
