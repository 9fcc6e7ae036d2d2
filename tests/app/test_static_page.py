"""AppTest: the Train page learns a static model from the current texts, saves it, and compares architectures."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, UPLOADS, DataChoice
from core.data.builtins import lee_sentences
from core.data.table import Dataset
from core.training.store import local_models

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lee_choice(tmp_path, monkeypatch) -> DataChoice:
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    return DataChoice("upload", "lee")


def _page(choice: DataChoice) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state[ACTIVE] = choice
    at.session_state[UPLOADS] = {"lee": Dataset("lee.csv", lee_sentences().frame.head(600), "text")}
    at.switch_page("pages/static.py").run()
    assert not at.exception, at.exception
    at.number_input(key="ee_w_static_vector_size").set_value(16)
    at.number_input(key="ee_w_static_epochs").set_value(2).run()
    return at


def _wait(at: AppTest, done, timeout_s: float = 240) -> AppTest:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
        if done(at):
            return at
    raise AssertionError("the run did not finish")


def test_train_saves_a_static_model_that_every_picker_offers(lee_choice):
    at = _page(lee_choice)
    assert "simple_preprocess" in at.caption[0].value
    assert any("bit for bit" in c.value for c in at.caption)
    at.button(key="ee_static_train").click().run()
    at = _wait(at, lambda a: bool(a.success))
    [model] = local_models()
    assert model.key.startswith("static:") and f"Saved as {model.folder.name}:" in at.success[0].value
    assert str(model.folder.parent) not in at.success[0].value  # no server path in what a visitor reads
    scores = at.dataframe[0].value
    assert set(scores["benchmark"]) == {"wordsim353", "simlex999", "google_analogies"}


def test_which_is_best_compares_three_architectures_and_saves_nothing(lee_choice):
    at = _page(lee_choice)
    at.button(key="ee_static_compare").click().run()
    at = _wait(at, lambda a: any("Rare-word coverage" in c.value for c in a.caption))
    table = at.dataframe[0].value
    assert list(table["model"]) == ["Word2Vec CBOW", "Word2Vec skip-gram", "fastText"]
    assert local_models() == []


def test_the_page_says_in_one_sentence_that_vectors_have_no_text(lee_choice):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    vectors = Dataset("v.npy", pd.DataFrame({"label": ["row 0", "row 1"]}), "label",
                      vectors=np.eye(2, dtype=np.float32), generated_labels=True)
    at.session_state[ACTIVE] = DataChoice("upload", "v", model="precomputed")
    at.session_state[UPLOADS] = {"v": vectors}
    at.switch_page("pages/static.py").run()
    assert not at.exception
    assert not at.button and at.info and "needs text" in at.info[0].value
