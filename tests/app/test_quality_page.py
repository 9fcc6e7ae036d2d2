"""AppTest: the Quality page finds outliers, near-duplicates and drift in the digits, against brute force."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, SAVED, UPLOADS, DataChoice
from core.data.table import Dataset

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
DIGITS = DataChoice(dataset="digits", model="precomputed")


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    from sklearn.datasets import load_digits

    X = load_digits().data
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def quality_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    at.session_state[ACTIVE] = DIGITS
    return at.switch_page("pages/quality.py").run()


def _table(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_outliers_rank_as_brute_force_and_the_slider_moves_the_threshold(digits):
    at = quality_page()
    assert not at.exception and at.title[0].value == "Quality"
    assert [t.label for t in at.tabs] == ["Outliers", "Duplicates", "Drift"]
    cos = digits @ digits.T
    np.fill_diagonal(cos, -np.inf)
    brute = 1 - np.sort(cos, axis=1)[:, -10]  # distance to the 10th neighbour
    table = _table(at, "nearest neighbours")
    assert table["row"].tolist()[:5] == np.argsort(-brute, kind="stable")[:5].tolist()
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert any(t.get("name") == "outlier score" for c in charts for t in c["data"])
    at.slider(key="ee_w_contamination").set_value(0.05).run()
    assert any("90 of 1,797 points flagged" in c.value for c in at.caption)


@pytest.mark.slow
def test_duplicates_match_brute_force_and_drift_separates_the_digits(digits):
    at = quality_page()
    at.slider(key="ee_w_dup_threshold").set_value(0.98).run()
    assert not at.exception
    cos = digits @ digits.T
    a, b = np.triu_indices(len(digits), 1)
    close = cos[a, b] >= 0.98
    assert np.bincount(np.r_[a[close], b[close]]).max() <= 16  # every pair is within the shared graph's reach
    assert _metric(at, "Near pairs") == f"{int(close.sum()):,}"
    pairs = _table(at, "text_b")
    assert set(zip(pairs["row_a"], pairs["row_b"])) <= set(zip(a[close], b[close]))
    at.selectbox(key="ee_quality_drift_column").select("digit").run()
    at.text_input(key="ee_quality_drift_a_digit").input("<=4").run()
    at.text_input(key="ee_quality_drift_b_digit").input(">=5").run()
    at.number_input(key="ee_quality_permutations").set_value(20).run()
    at.button(key="ee_quality_drift_run").click().run()
    assert not at.exception
    assert float(_metric(at, "Classifier ROC AUC")) > 0.9
    assert _metric(at, "AUC p-value") == f"{1 / 21:.3g}"
    assert any("differ" in i.value for i in at.info)
    assert "change" in _table(at, "share_b").columns


@pytest.mark.slow
def test_drift_against_another_dataset_uses_both_on_one_map(digits):
    shifted = digits[:300] + np.eye(64)[20] * 0.3  # one pixel brighter throughout
    upload = Dataset("shifted digits", pd.DataFrame({"text": [f"s{i}" for i in range(300)]}), "text",
                     vectors=shifted.astype(np.float32), generated_labels=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    at.session_state[ACTIVE] = DIGITS
    at.session_state[UPLOADS] = {"shifted": upload}
    at.switch_page("pages/quality.py").run()
    at.radio(key="ee_quality_drift_mode").set_value("datasets").run()
    assert at.selectbox(key="ee_quality_drift_other").value.dataset == "shifted"
    at.number_input(key="ee_quality_permutations").set_value(20).run()
    at.button(key="ee_quality_drift_run").click().run()
    assert not at.exception
    assert any("1,797 rows" in c.value and "300 rows" in c.value for c in at.caption)
    assert float(_metric(at, "Classifier ROC AUC")) > 0.9
    traces = [t for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert {"shifted digits"} <= {t.get("name") for t in traces}
