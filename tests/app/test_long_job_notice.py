"""AppTest: before an embedding of minutes the page says how long, and a sample is a real option."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.data import long_job
from components.state import ACTIVE
from core.embedding.estimate import Estimate
from core.embedding.windows import LongTexts

ROOT = Path(__file__).resolve().parents[2]
LEE_WITH_GLOVE = {"data": "lee-documents", "model": "glove-6b-50d", "method": "pca"}


@pytest.fixture
def long_jobs(monkeypatch):
    """Every embedding looks like minutes, and the sample is 300 rows."""
    monkeypatch.setattr(long_job, "count_missing", lambda texts, model: 100_000)  # as if nothing were cached
    monkeypatch.setattr(long_job, "SAMPLE_ROWS", 300)
    monkeypatch.setattr(long_job, "job_estimate", lambda model, texts, n_new, whole=False: Estimate(
        n_new / {"tfidf-lsa": 5_000.0}.get(model, 50.0), 20 * n_new, 0))  # texts per second


def _open(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update(query)
    return at.run()


def test_a_long_job_is_announced_and_a_seeded_sample_replaces_it(long_jobs):
    at = _open(LEE_WITH_GLOVE)
    assert not at.exception
    notice = next(w.value for w in at.warning if "rows with GloVe" in w.value)
    assert "350 rows" in notice and "about 33 min here" in notice  # 100,000 texts at 50 per second
    labels = [b.label for b in at.button]
    assert any(label.startswith("Use TF-IDF + SVD") and "about 1 s" in label for label in labels)
    assert not at.main.get("plotly_chart")  # nothing started
    at.button(key="ee_long_sample").click().run()
    assert not at.exception
    sample = next(iter(at.session_state["ee_uploads"].values()))
    assert len(sample) == 300 and "sample of 300, seed 0" in sample.name
    assert "300 points" in at.caption[0].value and at.get("plotly_chart")  # the sample is mapped


def test_the_sample_keeps_the_long_text_choice(long_jobs):
    at = _open(LEE_WITH_GLOVE | {"long_texts": "chunk", "overlap": "16"})
    assert not at.exception and at.session_state[ACTIVE].long == LongTexts("chunk", 16)
    at.button(key="ee_long_sample").click().run()
    assert not at.exception
    picked = at.session_state[ACTIVE]
    assert picked.source == "upload" and picked.model == "glove-6b-50d"
    assert picked.long == LongTexts("chunk", 16)  # chunked, as the data it samples
    assert at.query_params["long_texts"] == "chunk" and at.query_params["overlap"] == "16"


def test_a_static_model_is_estimated_without_a_timing_step(monkeypatch, tmp_path):
    from core.embedding.models import GloveEmbedder

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))  # no embedding recorded on this machine yet
    calls: list[int] = []
    monkeypatch.setattr(GloveEmbedder, "encode", lambda self, texts, batch_size=64: calls.append(len(texts)))
    monkeypatch.setattr(long_job, "count_missing", lambda texts, model: 2_000_000)  # far more than any cache holds
    at = _open(LEE_WITH_GLOVE)
    assert not at.exception
    notice = next(w.value for w in at.warning if "rows with GloVe" in w.value)
    assert "a first estimate" in notice and "2,000,000 texts" in notice
    assert calls == []  # a lookup per word: estimated from its words, never timed


def test_a_read_only_server_offers_no_sample(long_jobs, monkeypatch):
    """A sample is kept like an upload, which a viewer may not make: the notice offers the other ways only."""
    monkeypatch.setenv("EE_MODE", "viewer")
    at = _open(LEE_WITH_GLOVE)
    assert not at.exception
    assert any("rows with GloVe" in w.value for w in at.warning)
    keys = {b.key for b in at.button}
    assert "ee_long_all" in keys and "ee_long_sample" not in keys
