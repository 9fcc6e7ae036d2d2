"""`python -m core evaluate` and retrieval against sentence-transformers' InformationRetrievalEvaluator."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli.commands import main
from core.evaluation import retrieval
from tests.support.topics_corpus import TOPICS

WORDS = ["[UNK]", "the", "striker", "goal", "match", "rain", "storm", "wind", "bank", "rates", "shares", "team",
         "heavy", "investors", "football", "snow", "inflation", "stadium", "forecast", "stock"]


def tiny_model():
    """A deterministic 16-d static-embedding sentence-transformers model built in memory (no download)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    weights = np.random.default_rng(0).normal(size=(len(WORDS), 16)).astype(np.float32)
    return SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)])


def _rows() -> list[tuple[str, str, str]]:
    return [(t, name, " ".join(t.lower().split()[1:4])) for name, texts in TOPICS.items() for t in texts]


@pytest.fixture(scope="module")
def topics_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("eval") / "topics.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "topic", "query"])
        writer.writerows(_rows())
    return path


def test_retrieval_equals_information_retrieval_evaluator():
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    model = tiny_model()
    rows = _rows()
    texts, queries = [r[0].lower() for r in rows], [r[2] for r in rows]
    evaluator = InformationRetrievalEvaluator({str(i): q for i, q in enumerate(queries)},
                                              {str(i): t for i, t in enumerate(texts)},
                                              {str(i): {str(i)} for i in range(len(rows))}, write_csv=False)
    theirs = evaluator(model)
    result = retrieval.rank_queries(model.encode(queries), model.encode(texts))
    ours = result.metrics()
    assert 0 < ours["recall_at_1"] < 1  # some queries fail, so the comparison means something
    prefix = f"{evaluator.primary_metric.split('_')[0]}_"  # "cosine_"
    assert ours["recall_at_1"] == pytest.approx(theirs[f"{prefix}accuracy@1"])
    assert ours["recall_at_10"] == pytest.approx(theirs[f"{prefix}recall@10"])
    assert ours["mrr_at_10"] == pytest.approx(theirs[f"{prefix}mrr@10"])
    assert ours["ndcg_at_10"] == pytest.approx(theirs[f"{prefix}ndcg@10"])


def test_cli_word_similarity_json(capsys):
    assert main(["evaluate", "--model", "glove-6b-50d", "--word-similarity", "wordsim353", "simlex999",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    sets = {r["set"]: r for r in doc["word_similarity"]}
    assert sets["WordSim-353"]["pairs_used"] == 353 and sets["SimLex-999"]["pairs_used"] == 998
    assert sets["WordSim-353"]["spearman"] == pytest.approx(0.5033, abs=1e-4)
    assert "case-insensitive" in doc["conventions"]["word_similarity"]


def test_cli_labels_json_and_per_point_file(capsys, topics_csv, tmp_path):
    out = tmp_path / "points.csv"
    assert main(["evaluate", str(topics_csv), "--column", "text", "--label-column", "topic", "--model", "tfidf-lsa",
                 "--out", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    labels = doc["labels"]
    for key in ("knn_accuracy", "logreg_accuracy", "macro_f1", "ari", "nmi"):
        assert 0 <= labels[key] <= 1
    assert labels["points"] == 30 and "Stratified 5-fold" in doc["conventions"]["labels"]
    assert "tfidf-lsa:logreg_prediction" in out.read_text(encoding="utf-8").splitlines()[0]


def test_cli_retrieval_with_a_local_st_model(capsys, topics_csv, tmp_path):
    folder = tmp_path / "tiny-model"
    tiny_model().save(str(folder))
    assert main(["evaluate", str(topics_csv), "--column", "text", "--query-column", "query",
                 "--model", f"st:{folder}", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    figures = doc["retrieval"]
    assert set(retrieval.METRICS) <= set(figures) and figures["queries"] == 30
    assert figures["failed_at_1"] == len(doc["retrieval"]["failed_queries"]) or figures["failed_at_1"] > 20


def test_cli_compares_models_with_intervals(capsys, topics_csv):
    assert main(["evaluate", str(topics_csv), "--column", "text", "--label-column", "topic",
                 "--model", "tfidf-lsa", "glove-6b-50d", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    table = doc["comparison"]["labels"]["table"]
    assert [r["model"] for r in table] == ["tfidf-lsa", "glove-6b-50d"]
    assert all(r["knn_accuracy_low"] <= r["knn_accuracy"] <= r["knn_accuracy_high"] for r in table)
    assert doc["comparison"]["labels"]["notes"] and "bootstrap" in doc["conventions"]["comparison"]


def test_cli_input_without_a_task_is_a_user_error(capsys, topics_csv):
    assert main(["evaluate", str(topics_csv), "--column", "text"]) == 2
    assert capsys.readouterr().err.startswith("error: With an input file")


def test_cli_unknown_label_column_names_the_columns(capsys, topics_csv):
    assert main(["evaluate", str(topics_csv), "--column", "text", "--label-column", "nope", "--model", "tfidf-lsa"]) == 2
    assert "Columns: text, topic, query" in capsys.readouterr().err


def test_cli_prints_the_shared_evaluation(capsys, topics_csv):
    """The command's figures and comparison are core.evaluation.suite's for the same request and rows."""
    from core.data.loaders import load_path
    from core.evaluation import suite

    models = ["tfidf-lsa", "glove-6b-50d"]
    assert main(["evaluate", str(topics_csv), "--column", "text", "--label-column", "topic", "--model", *models,
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    request = suite.EvaluationRequest(label_column="topic", label_clusters=True)
    found = [suite.evaluate_model(m, request, data=load_path(topics_csv, text_column="text")) for m in models]
    shared = suite.compare_models(found)["labels"]
    pd.testing.assert_frame_equal(pd.DataFrame(doc["comparison"]["labels"]["table"]), shared.table)
    assert doc["comparison"]["labels"]["notes"] == shared.notes
    keys = ("knn_accuracy", "logreg_accuracy", "macro_f1", "ari", "nmi")
    for printed, evaluation in zip(doc["models"], found):
        figures = evaluation.labels.evaluation.figures()
        assert [printed["labels"][k] for k in keys] == [figures[k] for k in keys]
