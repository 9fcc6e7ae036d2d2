"""A link names only what this server offers: registered models, this app's fine-tuned models, the operator's
allowed ones and published maps. Paths and anything else are dropped, with the notice, before anything loads."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.maps.view_link import known_only
from components.state import PRECOMPUTED
from core.data.builtins import BUILTINS
from core.embedding.models import DEFAULT_MODEL, MODELS
from core.maps.view_state import decode_view, view_fields

HOSTILE = ["st:/etc", "st:../../models/x", "st:~/.cache/huggingface", "../" * 40, "/dev/zero", "st:C:\\Windows",
           "st:/tmp/a\x00b", "\x00", "st:\n/etc", "http://169.254.169.254/latest/meta-data", "st:https://evil.example/m",
           "file:///etc/passwd", "<script>alert(1)</script>", "st:<img src=x onerror=alert(1)>", "`rm -rf /`",
           "[link](javascript:alert(1))", "st:" + "a" * 299, "x" * 10_000, "st:org/some-hub-model", "%2e%2e%2f",
           "upload:../../etc", "published:../x", "published:", "upload:" + "f" * 65, "digits\x00", " minilm"]


def _hostile_values(rng: random.Random, n: int) -> list[str]:
    """The hostile values above, and random joins of their pieces."""
    joined = ["".join(rng.sample(HOSTILE, 3))[: rng.choice([5, 50, 300, 5000])] for _ in range(n)]
    return HOSTILE + joined


def _offered(view) -> bool:
    model_ok = view.model in MODELS or view.model == PRECOMPUTED
    data_ok = (view.source == "builtin" and view.dataset in BUILTINS) or (
        view.source == "upload" and all(c in "0123456789abcdef" for c in view.dataset))
    return model_ok and data_ok


def test_a_hostile_value_in_any_link_parameter_is_dropped_or_kept_harmless(monkeypatch, tmp_path):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    rng = random.Random(26)
    for value in _hostile_values(rng, 150):
        for key in view_fields():
            view, dropped = known_only(*decode_view({"data": "digits", key: value}))
            assert _offered(view), (key, value, view)
            if key == "model" or (key == "data" and view.source != "upload"):  # a hex upload id reaches no file
                assert key in dropped, (key, value)


def test_models_a_link_may_name_are_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    tuned = tmp_path / "models" / "minilm-finetuned-20260101-000000"
    tuned.mkdir(parents=True)
    for model in [*MODELS, PRECOMPUTED, f"st:{tuned}"]:
        view, dropped = known_only(*decode_view({"model": model}))
        assert view.model == model and not dropped
    monkeypatch.setenv("EE_ALLOWED_MODELS", "org/approved-model")
    assert known_only(*decode_view({"model": "st:org/approved-model"}))[0].model == "st:org/approved-model"
    assert known_only(*decode_view({"model": "st:org/other-model"}))[0].model == DEFAULT_MODEL


def _link_page() -> None:
    import streamlit as st

    from components.maps.view_link import apply_link, take_notice

    choice = apply_link()
    st.text(f"model={choice.model} data={choice.dataset}")
    st.markdown(take_notice() or "no notice")


@pytest.mark.parametrize("model", ["st:/srv/models/secret-model", "st:../models/x", "st:org/hub-model"])
def test_a_link_to_a_folder_on_the_server_loads_nothing_and_says_so(monkeypatch, tmp_path, model):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    at = AppTest.from_function(_link_page, default_timeout=60)
    at.query_params.update({"data": "lee-sentences", "model": model, "method": "pca"})
    at.run()
    assert not at.exception
    assert at.text[0].value == f"model={DEFAULT_MODEL} data=lee-sentences"
    notice = at.markdown[0].value
    assert notice.startswith("Ignored link parameter(s) with unusable values: model.")
    assert f"`model={DEFAULT_MODEL}` instead of" in notice
    assert not (tmp_path / "models").exists() and not any(Path(tmp_path).iterdir())  # nothing was written
