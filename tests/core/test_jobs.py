"""Background jobs, cancellation between chunks, the numba cache switch, seeded samples."""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from core.data.table import Dataset
from core.embedding import encode as embed_mod
from core.embedding.cache import EmbeddingCache
from core.embedding.encode import count_missing, embed_texts
from core.errors import Cancelled
from core.jobs import JobPool, JobProgress, seconds_left


class FakeEmbedder:
    model_id, dim = "fake", 4

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:
        self.encoded += list(texts)
        return np.asarray([[len(t), t.count("1"), t.count("2"), 1.0] for t in texts], dtype=np.float32)


def test_a_cancelled_encoding_keeps_its_chunks_and_a_later_run_completes_without_duplicates(tmp_path, monkeypatch):
    monkeypatch.setattr(embed_mod, "model_id_for", lambda key, corpus=None: "fake-model")
    cache = EmbeddingCache(tmp_path / "v.sqlite")
    texts = [f"text {i}" for i in range(embed_mod.CHUNK * 2 + 5)]
    cancel, first = threading.Event(), FakeEmbedder()

    def stop_after_first_chunk(done: int, total: int) -> None:
        cancel.set()

    with pytest.raises(Cancelled):
        embed_texts(texts, "any", cache=cache, get_embedder=lambda: first, progress=stop_after_first_chunk,
                    cancel=cancel)
    assert len(first.encoded) == embed_mod.CHUNK and len(cache) == embed_mod.CHUNK
    assert count_missing(texts, "any", cache=cache) == len(texts) - embed_mod.CHUNK
    second = FakeEmbedder()
    result = embed_texts(texts, "any", cache=cache, get_embedder=lambda: second)
    assert result.n_cached == embed_mod.CHUNK and result.n_encoded == len(texts) - embed_mod.CHUNK
    assert not set(first.encoded) & set(second.encoded)  # nothing encoded twice
    assert len(cache) == len(texts)  # one row per text: no duplicates
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1, rtol=1e-5)


def test_callers_of_the_same_key_share_one_job_and_a_cancel_stops_it():
    pool, gate, runs = JobPool(workers=1), threading.Event(), []

    def work(cancel: threading.Event) -> int:
        runs.append(1)
        gate.wait(10)
        if cancel.is_set():
            raise Cancelled("stopped")
        return 42

    a, b = pool.submit("k", "job", work), pool.submit("k", "job", work)
    assert a is b
    gate.set()
    assert a.result(10) == 42 and len(runs) == 1
    gate.clear()
    c = pool.submit("other", "job", work)
    queued = pool.submit("queued", "job", work)  # waits behind c on the single worker
    while c.started_at is None:
        threading.Event().wait(0.01)
    assert pool.cancel("queued") and pool.cancel("other")
    gate.set()
    with pytest.raises(Cancelled):
        c.result(10)
    assert queued.future.cancelled() and pool.get("other") is None
    assert pool.submit("other", "job", lambda cancel: 7).result(10) == 7  # a new job after a cancel


def test_a_job_cancelled_before_it_starts_ends_cancelled():
    pool, gate = JobPool(workers=1), threading.Event()
    first = pool.submit("first", "job", lambda cancel: gate.wait(10))
    queued = pool.submit("queued", "job", lambda cancel: 1)
    assert queued.error() is None  # not finished
    assert pool.cancel("queued")
    gate.set()
    assert first.result(10) is True and first.error() is None
    assert isinstance(queued.error(), Cancelled) and queued.done()


def test_time_left_follows_the_pace_of_the_steps_so_far():
    assert seconds_left(10.0, 2, 6) == pytest.approx(20.0)
    assert seconds_left(10.0, 0, 6) is None and seconds_left(0.0, 0, 0) is None
    assert seconds_left(3.0, 6, 6) == 0.0
    report = JobProgress()
    assert report.seconds_left() is None and report.phase == "Starting"
    report.status("Training")
    report.step(1, 4)
    left = report.seconds_left()
    assert report.phase == "Training" and (report.done, report.total) == (1, 4) and left is not None and left >= 0


def test_numba_cache_switch_is_idempotent_and_defaults_cache_true(tmp_path, monkeypatch):
    import numba

    from core.maps import numba_cache

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(numba_cache, "_ENABLED", False)
    monkeypatch.setattr(numba, "njit", numba.njit)
    monkeypatch.setattr(numba, "jit", numba.jit)
    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    numba_cache.enable()
    wrapped = numba.njit
    numba_cache.enable()
    assert numba.njit is wrapped and getattr(wrapped, "__wrapped_by_ee__", False)

    @numba.njit
    def add(a, b):
        return a + b

    assert add(2, 3) == 5 and add._cache.__class__.__name__ == "FunctionCache"  # cache=True by default
    assert str(tmp_path / "numba") == numba.config.CACHE_DIR


def test_a_sample_is_seeded_in_order_and_not_an_exclusion():
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(100)], "n": range(100)})
    ds = Dataset("data", frame, "text", vectors=np.arange(200, dtype=np.float32).reshape(100, 2))
    a, b = ds.sample(10, seed=3), ds.sample(10, seed=3)
    assert a.texts == b.texts and len(a) == 10 and len(a.excluded) == 0
    assert list(a.frame["n"]) == sorted(a.frame["n"]) and "sample of 10" in a.name
    np.testing.assert_array_equal(a.vectors[:, 0], a.frame["n"].to_numpy() * 2)
    assert ds.sample(500) is ds
