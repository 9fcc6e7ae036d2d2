"""AppTest: the Evaluate page on the digits' own vectors: labels, retrieval refusal, word similarity, the report."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, SAVED, DataChoice

ROOT = Path(__file__).resolve().parents[2]
DIGITS = DataChoice(dataset="digits", model="precomputed")
MAP_SETTINGS = {"ee_w_method": "pca", "ee_w_cluster_method": "kmeans", "ee_w_cluster_space": "vectors",
                "ee_w_cluster_k": 10}


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[ACTIVE] = DIGITS
    at.session_state[SAVED] = dict(MAP_SETTINGS)
    at.switch_page("pages/evaluate.py").run()
    assert not at.exception, at.exception
    return at


def test_evaluate_page_labels_equal_core_and_draw_the_mistakes():
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    at = _page()
    assert at.title[0].value == "Evaluate" and "1,797 points" in at.caption[0].value
    at.selectbox(key="ee_w_eval_label").set_value("digit").run()
    at.button(key="ee_eval_labels_run").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    X, y = load_digits(return_X_y=True)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    expected = cross_val_score(LogisticRegression(max_iter=1000), X.astype(np.float32), y.astype(str), cv=folds).mean()
    assert metrics["logistic regression accuracy"] == f"{expected:.1%}"
    assert float(metrics["ARI (map clusters)"]) > 0.3  # KMeans with k=10 on the digits finds most digits
    chart = at.get("plotly_chart")[0].proto.spec
    assert '"misclassified' in chart and "ringed" in chart
    assert any(c.value.startswith("Stratified 5-fold") for c in at.caption)
    assert at.get("download_button"), "predictions CSV and the report are offered"


def test_retrieval_needs_a_model_for_the_queries():
    at = _page()
    at.selectbox(key="ee_w_eval_query").set_value("digit").run()
    at.button(key="ee_eval_retrieval_run").click().run()
    assert any("needs a model to embed the queries" in e.value for e in at.error)


def test_word_similarity_tab_gives_gensim_figures():
    at = _page()
    at.button(key="ee_eval_intrinsic_run").click().run()
    assert not at.exception and not at.error
    table = next(df.value for df in at.dataframe if "set" in getattr(df.value, "columns", []))
    row = table[table["set"] == "WordSim-353"].iloc[0]
    assert row["spearman"] == pytest.approx(0.5033, abs=1e-4) and row["spearman_low"] < row["spearman"]
    lee = table[table["set"] == "Lee documents"].iloc[0]
    assert 0 < lee["pearson"] < 1


def test_similarity_tab_and_command_line_give_the_same_figures(capsys):
    """The page and `python -m core evaluate` share one evaluation path: the same sets give the same figures."""
    from core.cli.commands import main

    at = _page()
    at.button(key="ee_eval_intrinsic_run").click().run()
    table = next(df.value for df in at.dataframe if "set" in getattr(df.value, "columns", []))
    assert main(["evaluate", "--model", "glove-6b-50d", "--word-similarity", "wordsim353", "simlex999", "--lee",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for printed in [*doc["word_similarity"], doc["lee_documents"]]:
        row = table[table["set"] == printed["set"]].iloc[0]
        assert (row["spearman"], row["pearson"]) == (printed["spearman"], printed["pearson"])
    assert table["set"].tolist() == ["WordSim-353", "SimLex-999", "Lee documents"]
