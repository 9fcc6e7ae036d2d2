"""Evaluation against its oracles: gensim's evaluate_word_pairs, scikit-learn's cross_val_score, hand-made cases."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import DataError
from core.evaluation import classification as clf
from core.evaluation import compare, retrieval
from core.evaluation.lee import lee_correlation, lee_documents
from core.evaluation.word_similarity import (
    WORD_SETS,
    builtin_pairs,
    evaluate_embedded_pairs,
    evaluate_word_pairs,
    parse_pairs,
)


@pytest.fixture(scope="module")
def glove_kv():
    """GloVe 6B 50d as gensim KeyedVectors, built from the same arrays our code reads."""
    from gensim.models import KeyedVectors

    from core.audits.word_vectors import glove_word_vectors

    wv = glove_word_vectors(None)
    kv = KeyedVectors(wv.vectors.shape[1])
    kv.add_vectors(list(wv.words), wv.vectors)
    return wv, kv


@pytest.mark.parametrize("key", list(WORD_SETS))
@pytest.mark.parametrize("restrict_vocab", [300_000, 30_000])
def test_word_similarity_equals_gensim_on_glove(glove_kv, key, restrict_vocab):
    from gensim.test.utils import datapath

    wv, kv = glove_kv
    ours = evaluate_word_pairs(wv.words, wv.vectors, builtin_pairs(key), restrict_vocab=restrict_vocab)
    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(datapath(WORD_SETS[key][1]), restrict_vocab=restrict_vocab)
    # float32 cosines, as gensim's; the last digits of a float32 norm differ between BLAS and numpy
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-6) and ours.pearson_p == pytest.approx(pearson[1], rel=1e-4)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-6) and ours.spearman_p == pytest.approx(spearman[1], rel=1e-4)
    assert ours.pairs_used == round(ours.pairs_total * (1 - oov_ratio / 100))
    assert ours.oov_share * 100 == pytest.approx(oov_ratio)


def test_word_similarity_reference_figures(glove_kv):
    wv, _ = glove_kv
    result = evaluate_word_pairs(wv.words, wv.vectors, builtin_pairs("wordsim353"))
    assert result.pairs_total == 353 and 0.45 < result.spearman < 0.55


def test_pairs_parsing_case_and_unknown_words_by_hand():
    text = "# comment\nCat\tdog\t8\nbad line\ncat\tfish\tnot-a-number\ncat\tzebra\t2\ncat\tcar\t1\n"
    pairs = parse_pairs(text, name="hand")
    assert pairs.first == ("Cat", "cat", "cat") and list(pairs.gold) == [8.0, 2.0, 1.0]
    words = ["cat", "CAT", "dog", "car"]  # the first case variant wins
    vectors = np.array([[1, 0], [0, 1], [1, 1], [-1, 0.2]], dtype=np.float32)
    result = evaluate_word_pairs(words, vectors, pairs)
    assert result.pairs_used == 2 and result.oov_share == pytest.approx(1 / 3)
    assert result.table["model"].iloc[0] == pytest.approx(1 / np.sqrt(2), abs=1e-6)
    assert result.spearman == pytest.approx(1.0)


def test_pairs_file_without_pairs_is_refused():
    with pytest.raises(DataError, match="No word pairs"):
        parse_pairs("just text\n", name="x.txt")


def test_sentence_model_word_pairs_embed_each_word_once():
    calls = []

    def encode(words):
        calls.append(list(words))
        return np.array([[len(w), 1.0] for w in words], dtype=np.float32)

    result = evaluate_embedded_pairs(encode, parse_pairs("a\tbb\t1\nbb\tccc\t2\na\tccc\t0.5\n", name="x"))
    assert calls == [["a", "bb", "ccc"]] and result.oov_share == 0 and result.pairs_used == 3


def test_lee_correlation_perfect_when_cosine_matches_the_ratings():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 4))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    human = np.triu(unit @ unit.T)
    result = lee_correlation(vectors, human)
    assert result.pearson == pytest.approx(1.0) and result.pairs == 15
    assert len(lee_documents()) == 50


def _blobs(n_per: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 16)) * 2
    X = np.concatenate([c + rng.normal(size=(n_per, 16)) * 1.5 for c in centres]).astype(np.float32)
    return X, np.repeat(np.array(["a", "b", "c"]), n_per)


def test_cv_accuracy_equals_sklearn_cross_val_score():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    X, y = _blobs()
    results = clf.cross_validate(X, y)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    knn = KNeighborsClassifier(10, metric="cosine", algorithm="brute")
    logreg = LogisticRegression(max_iter=1000)
    assert np.allclose(results["knn"].fold_accuracy, cross_val_score(knn, X, y, cv=cv))
    assert np.allclose(results["logreg"].fold_accuracy, cross_val_score(logreg, X, y, cv=cv))
    assert np.allclose(results["logreg"].fold_macro_f1, cross_val_score(logreg, X, y, cv=cv, scoring="f1_macro"))
    assert 0.4 < results["knn"].accuracy < 1.0  # some mistakes to show


def test_the_knn_is_named_with_the_metric_it_ranked_by():
    from core.evaluation.evaluate import evaluate_labels

    rng = np.random.default_rng(0)
    vectors, labels = rng.normal(size=(60, 4)).astype(np.float32), np.repeat(["a", "b", "c"], 20)
    cosine, l1 = evaluate_labels(vectors, labels), evaluate_labels(vectors, labels, knn_metric="l1")
    assert "10-NN: cosine similarity" in cosine.conventions and "10-NN: L1 distance" in l1.conventions
    assert l1.summary()["classifier"].tolist() == ["10-NN (l1, majority vote)", "logistic regression"]
    assert cosine.classifier_name("knn") == "10-NN (cosine, majority vote)"


def test_knn_vote_by_hand():
    train = np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32)
    labels = np.array(["x", "x", "y"])
    assert list(clf.knn_predict(train, labels, np.array([[1, 0.05], [0.1, 1]]), k=1)) == ["x", "y"]
    assert list(clf.knn_predict(train, labels, np.array([[0, 1]]), k=3)) == ["x"]  # 2 votes to 1


def test_confusions_and_interval_by_hand():
    matrix = clf.confusion(["a", "a", "a", "b", "b"], ["a", "b", "b", "b", "a"])
    assert matrix.loc["a", "b"] == 2 and matrix.loc["b", "a"] == 1
    top = clf.top_confusions(matrix)
    assert top.iloc[0].to_dict() == {"true": "a", "predicted": "b", "count": 2, "share_of_true": pytest.approx(2 / 3)}
    low, high = clf.t_interval(np.array([0.8, 0.8, 0.8, 0.8, 0.8]))
    assert low == high == pytest.approx(0.8)


def test_labels_too_rare_for_five_folds_are_named():
    with pytest.raises(DataError, match="'rare' \\(2\\)"):
        clf.check_labels(["common"] * 10 + ["rare"] * 2)


def test_cluster_agreement_by_hand():
    assert clf.cluster_agreement(["a", "a", "b", "b"], np.array([5, 5, 7, 7])) == {"ari": 1.0, "nmi": 1.0}
    assert clf.cluster_agreement(["a", "a", "b", "b"], np.array([0, 1, 0, 1]))["nmi"] == pytest.approx(0.0)


def test_retrieval_metrics_by_hand():
    texts = np.eye(3, dtype=np.float32)
    queries = np.array([[1, 0, 0], [0.9, 0.5, 0], [0.5, 0.45, 0.4]], dtype=np.float32)
    result = retrieval.rank_queries(queries, texts)
    assert list(result.ranks) == [1, 2, 3] and list(result.first) == [0, 0, 0]
    m = result.metrics()
    assert m["recall_at_1"] == pytest.approx(1 / 3) and m["recall_at_10"] == 1.0
    assert m["mrr_at_10"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)
    assert m["ndcg_at_10"] == pytest.approx((1 + 1 / np.log2(3) + 1 / np.log2(4)) / 3)
    failed = retrieval.failed_queries(result, ["q0", "q1", "q2"], ["t0", "t1", "t2"])
    assert failed["query"].tolist() == ["q2", "q1"] and failed["came_first"].tolist() == ["t0", "t0"]


def test_bootstrap_interval_is_seeded_and_covers_the_mean():
    values = np.r_[np.ones(70), np.zeros(30)]
    a = compare.bootstrap_interval(100, compare.mean_statistic(values))
    assert a == compare.bootstrap_interval(100, compare.mean_statistic(values))
    assert a[0] < 0.7 < a[1] and a[1] - a[0] < 0.25


def test_bootstrap_macro_f1_equals_sklearn_on_all_rows():
    from sklearn.metrics import f1_score

    y = np.array(list("aabbbccccd"))
    p = np.array(list("abbbcccdda"))
    assert compare.macro_f1_statistic(y, p)(np.arange(10)) == pytest.approx(f1_score(y, p, average="macro"))


def test_overlap_sentences():
    table = pd.DataFrame({"model": ["A", "B", "C"], "acc": [0.9, 0.88, 0.5], "acc_low": [0.85, 0.83, 0.45],
                          "acc_high": [0.95, 0.93, 0.55]})
    sentences = compare.overlap_sentences(table, "acc")
    assert "A and B: the acc intervals overlap" in sentences[0]
    assert sentences[1].startswith("A scores higher than C")


def test_agreement_by_hand():
    outcomes = compare.agreement(["a", "a", "b", "b"], ["a", "b", "b", "a"], ["a", "a", "a", "b"], ("M1", "M2"))
    assert list(outcomes) == ["both right", "only M2 right", "only M1 right", "only M2 right"]
    assert compare.agreement_table(outcomes)["points"].sum() == 4
