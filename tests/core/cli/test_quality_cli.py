"""`python -m core outliers | duplicates | drift`: the JSON keys and CSV columns they promise."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.cli.commands import main
from core.vectors import unit_rows
from tests.support.topics_corpus import TOPICS


@pytest.fixture()
def vectors_with_meta(tmp_path):
    """120 clustered unit vectors (3 planted outliers), a year per row, and a shift after 2019."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 12))
    X = centres[rng.integers(0, 3, 120)] + rng.normal(scale=0.2, size=(120, 12))
    X[[7, 50, 99]] = rng.normal(size=(3, 12)) * 4
    year = np.where(np.arange(120) < 60, 2018, 2026)
    X[60:, 0] += 1.5
    np.save(tmp_path / "v.npy", unit_rows(X, np.float32))
    pd.DataFrame({"name": [f"item {i}" for i in range(120)], "year": year}).to_csv(tmp_path / "meta.csv", index=False)
    return tmp_path


def test_outliers_writes_one_score_per_row_in_order(vectors_with_meta, capsys):
    out = vectors_with_meta / "scores.csv"
    assert main(["outliers", str(vectors_with_meta / "v.npy"), "--metadata", str(vectors_with_meta / "meta.csv"),
                 "--method", "knn", "--k", "5", "--out", str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    scores = pd.read_csv(out)
    assert scores["row"].tolist() == list(range(120)) and "score" in scores
    assert set(scores.nlargest(3, "score")["row"]) == {7, 50, 99}
    assert {t["row"] for t in summary["top"][:3]} == {7, 50, 99} and summary["method"] == "knn"


def test_duplicates_counts_exact_repeats_and_lists_pairs(tmp_path, capsys):
    texts = [t for group in TOPICS.values() for t in group]
    rows = texts + [texts[0], texts[0], texts[3]]  # three exact repeats
    pd.DataFrame({"text": rows}).to_csv(tmp_path / "t.csv", index=False)
    out, dedup = tmp_path / "pairs.csv", tmp_path / "dedup.csv"
    assert main(["duplicates", str(tmp_path / "t.csv"), "--model", "tfidf-lsa", "--threshold", "0.99",
                 "--out", str(out), "--dedup-out", str(dedup), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["exact_duplicates"] == 3 and summary["threshold"] == 0.99
    assert summary["groups"] >= 2 and summary["pairs"] >= 4
    pairs = pd.read_csv(out)
    assert list(pairs.columns[:5]) == ["row_a", "row_b", "cosine", "text_a", "text_b"]
    n = len(texts)
    assert {(0, n), (0, n + 1), (n, n + 1), (3, n + 2)} <= set(zip(pairs["row_a"], pairs["row_b"]))
    assert pairs["row_a"].dtype.kind == "i" and (pairs["row_a"] < pairs["row_b"]).all()
    removed = pd.read_csv(tmp_path / "dedup.removed.csv")
    assert {n, n + 1, n + 2} <= set(removed["row"]) and len(pd.read_csv(dedup)) == len(rows) - len(removed)


def test_drift_by_a_column_and_between_two_files(vectors_with_meta, tmp_path, capsys):
    args = [str(vectors_with_meta / "v.npy"), "--metadata", str(vectors_with_meta / "meta.csv"), "--permutations",
            "50", "--format", "json"]
    assert main(["drift", *args, "--batch-column", "year", "--a", "<=2019", "--b", "2026"]) == 0
    by_range = json.loads(capsys.readouterr().out)
    assert {"auc", "auc_p", "mmd", "mmd_p", "clusters"} <= set(by_range)
    assert by_range["auc"] > 0.9 and by_range["auc_p"] == pytest.approx(1 / 51)
    assert main(["drift", *args, "--batch-column", "year"]) == 0  # the column's two values are the sides
    assert json.loads(capsys.readouterr().out)["auc"] == by_range["auc"]
    X = np.load(vectors_with_meta / "v.npy")
    np.save(tmp_path / "a.npy", X[:60])
    np.save(tmp_path / "b.npy", X[60:])
    assert main(["drift", str(tmp_path / "a.npy"), str(tmp_path / "b.npy"), "--permutations", "50",
                 "--format", "json"]) == 0
    files = json.loads(capsys.readouterr().out)
    assert files["rows_a"] == files["rows_b"] == 60 and files["auc"] > 0.9 and files["clusters"]


def test_drift_with_a_column_of_many_values_says_so(vectors_with_meta, capsys):
    assert main(["drift", str(vectors_with_meta / "v.npy"), "--metadata", str(vectors_with_meta / "meta.csv"),
                 "--batch-column", "name"]) == 2
    assert "120 distinct values" in capsys.readouterr().err
