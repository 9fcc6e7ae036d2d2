"""AppTest: rows added to a drawn map are placed without moving the old points, marked, and can be refitted."""
import io
import threading
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from components.maps import stable_panel
from core.data.builtins import builtin
from core.hashing import hash_array
from core.jobs import check
from core.maps.projection import projection_cache_path
from core.maps.stable import grown_key

ROOT = Path(__file__).resolve().parents[2]
DIGITS_PCA = {"data": "digits", "model": "precomputed", "method": "pca", "clusters": "none"}
N_DIGITS, N_NEW = 1797, 60


def _more_digits() -> bytes:
    """Vectors of the digits' dimension near some of their rows (so they have a place on the map)."""
    vectors = builtin("digits").load(0).vectors
    noise = np.random.default_rng(0).normal(scale=0.5, size=(N_NEW, vectors.shape[1]))
    buffer = io.BytesIO()
    np.save(buffer, (vectors[:N_NEW] + noise).astype(np.float32))
    return buffer.getvalue()


def _figure_json(at: AppTest) -> str:
    return at.get("plotly_chart")[0].proto.spec


def _add_rows(at: AppTest) -> AppTest:
    at.file_uploader(key="ee_grow_file_0").set_value(("more.npy", _more_digits(), "application/octet-stream")).run()
    return at.button(key="ee_grow_add").click().run()


def test_added_rows_keep_the_old_points_and_refit_redraws_every_row():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update(DIGITS_PCA)
    at.run()
    assert not at.exception
    _add_rows(at)
    assert not at.exception and not at.error
    assert f"{N_DIGITS + N_NEW:,} points" in at.caption[0].value
    assert at.selectbox(key="ee_w_color").value == "new"
    assert f"{N_NEW} new rows placed into the map of {N_DIGITS:,}" in _figure_json(at)
    assert any(c.value.startswith("Drift ") and "a refit is worth it" in c.value for c in at.caption)
    at.run()  # a rerun (and the link, which now names the grown data) keeps the grown map
    assert f"{N_NEW} new rows placed" in _figure_json(at)
    assert at.query_params["data"] == f"upload:{next(iter(at.session_state['ee_grown']))}"
    assert at.file_uploader(key="ee_grow_file_1").value is None  # the added file is gone: a click cannot add it twice

    (growth,) = at.session_state["ee_grown"].values()
    old_vectors = builtin("digits").load(0).vectors
    old_path = projection_cache_path(old_vectors, growth.params, vectors_hash=growth.old_hash)
    grown_vectors = np.concatenate([old_vectors, np.load(io.BytesIO(_more_digits()))])
    grown_path = projection_cache_path(grown_vectors, growth.params,
                                       vectors_hash=grown_key(growth.old_hash, hash_array(grown_vectors)))
    old, grown = np.load(old_path), np.load(grown_path)
    assert growth.old_hash == hash_array(old_vectors)
    assert grown.shape == (N_DIGITS + N_NEW, 2) and grown[:N_DIGITS].tobytes() == old.tobytes()

    at.button(key="ee_grow_refit").click().run()
    assert not at.exception and not at.error
    assert "new rows placed" not in _figure_json(at) and not any(c.value.startswith("Drift ") for c in at.caption)
    assert at.selectbox(key="ee_w_color").value == "new"


def test_a_long_placing_shows_time_left_and_can_be_cancelled(monkeypatch):
    stopped = threading.Event()

    def endless(*_args, cancel=None, **_kwargs):
        while True:  # until cancelled
            try:
                check(cancel)
            except Exception:
                stopped.set()
                raise
            cancel.wait(0.05)

    monkeypatch.setattr(stable_panel, "grow_and_keep", endless)
    monkeypatch.setattr(stable_panel.pace, "estimate_seconds", lambda *_args, **_kwargs: 60.0)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update(DIGITS_PCA | {"seed": "5"})  # a map no other test grows
    _add_rows(at.run())
    assert not at.exception
    assert any(f"Placing {N_NEW} new rows into the map of {N_DIGITS:,}" in i.value and "left" in i.value
               for i in at.info)
    at.button(key="ee_grow_cancel").click().run()
    assert stopped.wait(30) and not at.exception
    assert any("cancelled" in i.value for i in at.info)
    assert at.button(key="ee_grow_resume") and at.button(key="ee_grow_refit_instead")
