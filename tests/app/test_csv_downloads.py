"""AppTest: the UI's CSV downloads guard formula-like text by default, and the raw checkbox writes values exactly."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from components.downloads import raw_key
from components.maps.progressive import CLUSTERS_OPEN
from components.state import ACTIVE, SAVED, UPLOADS, DataChoice
from core.data.csv_safety import is_dangerous
from core.data.table import Dataset

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
           "\t=1", "\r=1"]
SAFE = ["plain words", "-5", "x = y", "ok\r=1", "mail@example.com", "more plain words"]
TEXTS = HOSTILE + SAFE


class RecordingManager(MediaFileManager):
    """The media file manager AppTest creates, kept so a test can read the files a run stored."""

    made: list[RecordingManager] = []

    def __init__(self, storage) -> None:
        super().__init__(storage)
        self.storage = storage
        RecordingManager.made.append(self)


@pytest.fixture
def media(monkeypatch) -> list[RecordingManager]:
    RecordingManager.made = []
    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", RecordingManager)
    return RecordingManager.made


def download(at: AppTest, media: list[RecordingManager], key: str) -> pd.DataFrame:
    """What the download button `key` hands the browser, read back as a table (strings exactly as written)."""
    proto = at.download_button(key=key).proto
    manager = media[-1]
    url = proto.url or manager.execute_deferred(proto.deferred_file_id)
    data = manager.storage.get_file(url.rsplit("/", 1)[1]).content
    assert data.count(b"\r\n") >= 1
    return pd.read_csv(io.BytesIO(data), keep_default_na=False)


def guarded(texts: list[str]) -> list[str]:
    return ["'" + t if t in HOSTILE else t for t in texts]


def _script() -> None:
    import numpy as np
    import pandas as pd

    from components.downloads import csv_download

    texts = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
             "@SUM(A1)", "\t=1", "\r=1", "plain words", "-5", "x = y", "ok\r=1", "mail@example.com",
             "more plain words"]
    frame = pd.DataFrame({"text": texts, "x": -np.arange(len(texts)) / 7.0, "n": np.arange(len(texts)) - 5})
    csv_download(frame, "now.csv", key="now")
    csv_download(lambda: frame, "later.csv", key="later")


@pytest.mark.parametrize("key", ["now", "later"])
def test_helper_guards_by_default_and_raw_is_exact(media, key):
    at = AppTest.from_function(_script, default_timeout=60).run()
    assert not at.exception
    assert at.checkbox(key=raw_key(key)).value is False
    back = download(at, media, key)
    assert back["text"].tolist() == guarded(TEXTS)
    np.testing.assert_array_equal(back["x"].to_numpy(), -np.arange(len(TEXTS)) / 7.0)
    assert back["n"].tolist() == list(range(-5, len(TEXTS) - 5))
    at.checkbox(key=raw_key(key)).check().run()
    raw = download(at, media, key)
    assert raw["text"].tolist() == TEXTS
    np.testing.assert_array_equal(raw["x"].to_numpy(), -np.arange(len(TEXTS)) / 7.0)


def hostile_upload() -> Dataset:
    """Twelve rows in two tight groups, texts hostile and harmless, with their own vectors."""
    rng = np.random.default_rng(0)
    groups = np.arange(len(TEXTS)) % 2
    vectors = (np.eye(2, 8)[groups] * 5 + rng.normal(size=(len(TEXTS), 8)) * 0.1).astype(np.float32)
    frame = pd.DataFrame({"text": TEXTS, "source": ["@import", "web"] * (len(TEXTS) // 2), "score": -groups - 0.5})
    return Dataset(name="hostile.csv", frame=frame, text_column="text", vectors=vectors)


def test_map_page_downloads_are_guarded_and_the_raw_box_writes_exact_values(media):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[UPLOADS] = {"hostile": hostile_upload()}
    at.session_state[ACTIVE] = DataChoice("upload", "hostile", model="precomputed")
    at.session_state[SAVED] = {"ee_w_method": "pca", "ee_w_cluster_method": "kmeans", "ee_w_cluster_k": 2}
    at.session_state[CLUSTERS_OPEN] = True  # the cluster table and its download are drawn once unfolded
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    table = download(at, media, "ee_dl_csv")
    assert table["text"].tolist() == guarded(TEXTS)
    assert table["source"].tolist() == ["'@import", "web"] * (len(TEXTS) // 2)
    assert (table["x"] < 0).any() and table["score"].tolist() == hostile_upload().frame["score"].tolist()
    clusters = download(at, media, "ee_cluster_csv")
    assert sorted(clusters["size"]) == [6, 6]
    at.checkbox(key=raw_key("ee_dl_csv")).check().run()
    at.checkbox(key=raw_key("ee_cluster_csv")).check().run()
    raw = download(at, media, "ee_dl_csv")
    assert raw["text"].tolist() == TEXTS and raw["source"].tolist() == ["@import", "web"] * (len(TEXTS) // 2)
    np.testing.assert_array_equal(raw["x"].to_numpy(), table["x"].to_numpy())
    raw_examples = download(at, media, "ee_cluster_csv")["examples"].tolist()
    assert clusters["examples"].tolist() == ["'" + e if is_dangerous(e) else e for e in raw_examples]
    assert any(is_dangerous(e) for e in raw_examples)


def test_search_results_download_is_guarded(media, tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[UPLOADS] = {"hostile": hostile_upload()}
    at.session_state[ACTIVE] = DataChoice("upload", "hostile", model="precomputed")
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    at.switch_page("pages/search.py").run()
    at.button(key="ee_search_index").click().run()
    at.segmented_control(key="ee_w_search_mode").set_value("point").run()
    at.number_input(key="ee_w_search_k").set_value(len(TEXTS)).run()
    assert not at.exception, at.exception
    hits = download(at, media, "ee_search_csv")
    assert sorted(hits["text"]) == sorted(guarded(TEXTS)) and hits["rank"].tolist() == list(range(1, len(TEXTS) + 1))
    at.checkbox(key=raw_key("ee_search_csv")).check().run()
    assert sorted(download(at, media, "ee_search_csv")["text"]) == sorted(TEXTS)


def test_the_unguarded_table_toolbar_export_is_off():
    """st.dataframe's own CSV export is built in the browser, without the guard, so the app turns it off."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
