"""AppTest: the Map page draws a quick PCA at once, computes the chosen projection in the background and
swaps it in; a cancelled projection writes nothing."""
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components import seam
from core.jobs import check
from core.maps import service
from core.maps.projection import FittedMap, is_cached, projection_cache_path

ROOT = Path(__file__).resolve().parents[2]
DIGITS_UMAP = {"data": "digits", "model": "precomputed", "method": "umap", "seed": "11"}


@pytest.fixture
def slow_fit(monkeypatch):
    """A projection that waits until the test lets it finish, then returns recognisable coordinates."""
    gate, calls, real = threading.Event(), [], service.project_map

    def fake_project_map(vectors, params, *, cancel=None, vectors_hash=None, **kwargs):
        if params.method == "pca":  # the quick preview is computed as usual
            return real(vectors, params, cancel=cancel, vectors_hash=vectors_hash, **kwargs)
        calls.append(params)
        assert gate.wait(60)
        check(cancel)  # a cancelled job stops here, before anything is written
        coords = np.column_stack([np.arange(len(vectors)), np.zeros(len(vectors))]).astype(np.float32) + 1000
        np.save(projection_cache_path(vectors, params, vectors_hash=vectors_hash), coords)
        return FittedMap(coords, None, np.arange(len(vectors)))

    monkeypatch.setattr(service, "project_map", fake_project_map)
    return gate, calls


def _title(at: AppTest) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]


def _job(at: AppTest):
    pool = seam.map_service().pool
    return next(iter(pool.jobs.values()))


def test_a_preview_is_drawn_first_and_replaced_by_the_projection(slow_fit):
    gate, calls = slow_fit
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update(DIGITS_UMAP)
    at.run()
    assert not at.exception
    assert _title(at).startswith("PCA (quick preview)")
    assert any("UMAP computing" in i.value for i in at.info)
    assert len(calls) == 1 and calls[0].method == "umap"
    job = _job(at)
    gate.set()
    job.result(timeout=60)
    at.run()
    assert not at.exception
    assert _title(at).startswith("UMAP of")
    assert not any("computing" in i.value for i in at.info)
    xs = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert "x" in xs  # the swapped-in map is drawn
    assert len(calls) == 1  # the finished projection is read from memory, not fitted again


def test_a_cancelled_projection_writes_nothing_and_can_be_resumed(slow_fit):
    gate, calls = slow_fit
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update(DIGITS_UMAP | {"seed": "12"})
    at.run()
    job = _job(at)
    at.button(key="ee_map_cancel").click().run()
    assert not at.exception
    gate.set()
    with pytest.raises(Exception, match="cancelled"):
        job.result(timeout=60)
    assert job.cancelled()
    vectors_hash, params = next(iter(at.session_state["ee_map_cancelled"]))
    assert params == calls[0]
    stand_in = np.empty((1797, 1), dtype=np.float32)  # the path depends only on the row count and the hash
    assert not is_cached(stand_in, params, vectors_hash=vectors_hash)  # the cancelled fit wrote nothing
    assert any("was cancelled" in i.value for i in at.info)
    assert _title(at).startswith("PCA")
    at.button(key="ee_map_resume").click().run()
    assert not at.exception
    _job(at).result(timeout=60)
    at.run()
    assert _title(at).startswith("UMAP of") and len(calls) == 2 and calls[1] == params
    assert is_cached(stand_in, params, vectors_hash=vectors_hash)


def test_a_room_of_sessions_on_one_link_shares_one_background_projection(slow_fit):
    """Sessions opening the same link while its projection computes wait for one fit, not one each."""
    gate, calls = slow_fit
    room = [AppTest.from_file(str(ROOT / "app.py"), default_timeout=300) for _ in range(4)]
    for at in room:
        at.query_params.update(DIGITS_UMAP | {"seed": "13"})
        at.run()
        assert not at.exception and _title(at).startswith("PCA (quick preview)")
    assert len(seam.map_service().pool.jobs) == 1
    gate.set()
    for job in list(seam.map_service().pool.jobs.values()):
        job.result(timeout=60)
    for at in room:
        at.run()
        assert not at.exception and _title(at).startswith("UMAP of")
    assert len(calls) == 1


def test_leaving_the_page_cancels_its_projection_and_the_work_stops(monkeypatch):
    """A projection no session waits for any more is cancelled: its step counter stops."""
    import collections
    import time

    monkeypatch.setattr(service, "ABANDONED_S", 15.0)  # longer than the rest of a loaded run after the job starts
    steps, real = collections.Counter(), service.project_map

    def endless(vectors, params, *, cancel=None, **kwargs):
        if params.method == "pca":
            return real(vectors, params, cancel=cancel, **kwargs)
        while True:
            steps[cancel] += 1  # counted per job (its cancel flag)
            check(cancel)
            time.sleep(0.05)

    monkeypatch.setattr(service, "project_map", endless)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update(DIGITS_UMAP | {"seed": "14"})
    at.run()
    assert any("UMAP computing" in i.value for i in at.info)
    job = _job(at)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    with pytest.raises(Exception, match="cancelled"):
        job.result(timeout=60)
    counted = steps[job.cancel_event]
    time.sleep(0.3)
    assert counted > 0 and steps[job.cancel_event] == counted and job.cancelled()


def test_a_large_maps_clusters_and_faithfulness_follow_the_drawn_map(monkeypatch, tmp_path):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))  # clusters and faithfulness kept on disk by another test stay there
    monkeypatch.setattr(service, "EXTRAS_AT_ONCE", 100)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception and _title(at).startswith("PCA of")  # drawn at once
    assert any("Computing the clusters and faithfulness" in i.value for i in at.info)
    assert not any(e.label.startswith("Clusters:") for e in at.expander)
    _job(at).result(timeout=120)
    at.run()
    assert not at.exception
    assert any(e.label.startswith("Clusters:") for e in at.expander)
    assert any("trusted" in e.label for e in at.expander)
