"""`python -m core embed/evaluate --model table` on a small iris-like table."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from core.cli.commands import main


@pytest.fixture(scope="module")
def iris_csv(tmp_path_factory):
    bunch = load_iris(as_frame=True)
    frame = bunch.frame.drop(columns="target").rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    frame["species"] = bunch.target_names[bunch.target]
    frame.loc[[3, 60], "sepal_width"] = np.nan  # kept, filled with the median
    path = tmp_path_factory.mktemp("tables") / "iris.csv"
    frame.to_csv(path, index=False)
    return path


def test_embed_writes_one_standardised_vector_per_row(iris_csv, tmp_path, capsys):
    out = tmp_path / "v.npy"
    assert main(["embed", str(iris_csv), "--model", "table", "--exclude", "species", "--out", str(out)]) == 0
    vectors = np.load(out, allow_pickle=False)
    frame = pd.read_csv(iris_csv).drop(columns="species")
    frame = frame.fillna(frame.median())
    np.testing.assert_allclose(vectors, (frame - frame.mean()) / frame.std(ddof=0), rtol=1e-4, atol=1e-5)
    err = capsys.readouterr().err
    assert "species: excluded" in err and "sepal_width: 2 missing value(s) kept" in err


def test_evaluate_never_uses_the_label_as_a_feature(iris_csv, capsys):
    figures = []
    for extra in (["--exclude", "species"], []):
        assert main(["evaluate", str(iris_csv), "--model", "table", "--label-column", "species", *extra,
                     "--format", "json"]) == 0
        figures.append(json.loads(capsys.readouterr().out)["labels"])
    assert figures[0] == figures[1]  # the label is left out either way
    labels = figures[0]
    assert labels["points"] == 150 and 0.85 < labels["logreg_accuracy"] < 1.0
    assert labels["knn_accuracy_low"] <= labels["knn_accuracy"] <= labels["knn_accuracy_high"]


def test_an_unknown_column_is_one_clear_line(iris_csv, tmp_path, capsys):
    code = main(["embed", str(iris_csv), "--model", "table", "--columns", "petal_length,nope",
                 "--out", str(tmp_path / "v.npy")])
    assert code == 2 and "No column named 'nope'" in capsys.readouterr().err
