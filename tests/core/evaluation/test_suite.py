"""The shared evaluation path: models side by side, the similarity table, the per-point table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.table import Dataset
from core.evaluation import suite
from core.evaluation.evaluate import evaluate_labels
from core.evaluation.lee import LeeResult
from core.evaluation.word_similarity import evaluate_embedded_pairs, parse_pairs

PAIRS = parse_pairs("a\tb\t1\nb\tc\t2\na\tc\t3\nc\td\t4\na\td\t5\nb\td\t6\n", name="toy")


def _word_results(seed: int) -> list:
    vectors = dict(zip("abcd", np.random.default_rng(seed).normal(size=(4, 3))))
    return [evaluate_embedded_pairs(lambda words: np.array([vectors[w] for w in words]), PAIRS)]


def test_similarity_table_has_word_sets_then_a_lee_row_per_model():
    found = [suite.ModelEvaluation("M1", word_similarity=_word_results(0), lee=LeeResult(0.5, 0.4, 1225)),
             suite.ModelEvaluation("M2", word_similarity=_word_results(1), lee=LeeResult(0.6, 0.5, 1225))]
    comparisons = suite.compare_models(found)
    assert list(comparisons) == ["word_similarity"] and comparisons["word_similarity"].metric == "spearman"
    table = suite.similarity_table(found, comparisons)
    assert table["set"].tolist() == ["toy", "toy", "Lee documents", "Lee documents"]
    assert table["model"].tolist() == ["M1", "M2", "M1", "M2"] and table["pearson"].tolist()[2:] == [0.5, 0.6]
    assert table["spearman_low"].iloc[:2].notna().all() and table["spearman_low"].iloc[2:].isna().all()
    assert len(comparisons["word_similarity"].notes) == 1  # one pair of models on one set; Lee has no interval


def test_nothing_asked_compares_nothing():
    found = [suite.ModelEvaluation("M1"), suite.ModelEvaluation("M2")]
    assert suite.compare_models(found) == {} and suite.similarity_table(found, {}).empty


def test_per_point_table_leaves_the_rows_a_model_left_out_empty():
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(20)], "label": ["x", "y"] * 10})
    data = Dataset("toy", frame, "text")
    vectors = np.random.default_rng(0).normal(size=(20, 3)) + 3 * (frame["label"] == "x").to_numpy()[:, None]
    embedded = data.subset(np.arange(20) != 4, reason="no vector", vectors=vectors)
    labels = suite.LabelsOnData(evaluate_labels(embedded.vectors, embedded.frame["label"]), embedded.source_rows)
    table = suite.per_point_table(data, [suite.ModelEvaluation("M", labels=labels)])
    assert table["text"].tolist() == frame["text"].tolist()
    assert table["M:logreg_prediction"].isna().tolist() == [row == 4 for row in range(20)]
    assert suite.per_point_table(data, [suite.ModelEvaluation("M")]) is None
