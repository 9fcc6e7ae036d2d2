"""Every place neighbours are found takes a metric: the neighbour graph, exact search and Evaluate's kNN,
each checked against brute force under that metric, with cosine unchanged by default."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist

from core.distances import distances
from core.evaluation.classification import knn_predict
from core.maps.knn import build_knn_graph, exact_knn
from core.search.exact import ExactIndex

RNG = np.random.default_rng(5)
X = RNG.normal(size=(80, 12)).astype(np.float32)
SCIPY = {"cosine": "cosine", "euclidean": "euclidean", "manhattan": "cityblock", "hamming": "hamming"}


def _brute(metric: str, k: int) -> np.ndarray:
    """Each row's k nearest other rows, by plain numpy/scipy."""
    if metric == "dot":
        dist = -(X.astype(np.float64) @ X.T.astype(np.float64))
    elif metric == "hamming":
        dist = cdist(X > 0, X > 0, "hamming")
    else:
        dist = cdist(X, X, SCIPY[metric])
    np.fill_diagonal(dist, np.inf)
    return np.argsort(dist, axis=1, kind="stable")[:, :k]


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "manhattan", "dot"])
def test_the_neighbour_graph_follows_its_metric(metric):
    graph = build_knn_graph(X, 5, metric=metric)
    assert (graph.indices[:, 0] == np.arange(len(X))).all() and (graph.distances >= 0).all()
    np.testing.assert_array_equal(graph.neighbours(), _brute(metric, 5))


def test_the_neighbour_graph_on_hamming_counts_sign_bits():
    graph = build_knn_graph(X, 5, metric="hamming")
    brute = cdist(X > 0, X > 0, "hamming")
    np.fill_diagonal(brute, np.inf)
    kth = np.sort(brute, axis=1)[:, 4]
    got = np.take_along_axis(brute, graph.neighbours().astype(np.int64), axis=1)
    assert (got <= kth[:, None] + 1e-9).all()  # ties among equal bit counts may fall either way


def test_the_default_graph_is_the_cosine_graph_as_before():
    idx, dist = exact_knn(X, X, 6, self_rows=True)
    again = exact_knn(X, X, 6, metric="cosine", self_rows=True)
    np.testing.assert_array_equal(idx, again[0])
    np.testing.assert_array_equal(dist, again[1])


@pytest.mark.parametrize("metric, oracle", [("l1", lambda q: cdist(q, X, "cityblock")),
                                            ("hamming", lambda q: cdist(q > 0, X > 0, "hamming") * X.shape[1])])
def test_exact_search_knows_l1_and_hamming(metric, oracle):
    index = ExactIndex(X, metric)
    q = RNG.normal(size=(3, 12)).astype(np.float32)
    np.testing.assert_allclose(index.distances(q), oracle(q), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("metric", ["cosine", "dot", "l2", "l1", "hamming"])
def test_evaluate_knn_votes_among_the_nearest_under_its_metric(metric):
    labels = np.array(list("abcd") * 20)
    test = RNG.normal(size=(10, 12)).astype(np.float32)
    nearest = np.argsort(distances(test, X, metric), axis=1, kind="stable")[:, :1]
    np.testing.assert_array_equal(knn_predict(X, labels, test, k=1, metric=metric), labels[nearest[:, 0]])


def test_the_knn_metric_reaches_the_classifier_from_the_evaluation_and_the_cli(capsys, monkeypatch):
    """`evaluate --metric l1` ranks the kNN's neighbours by L1, through the same path the page takes."""
    import json

    from core.cli.commands import main
    from core.evaluation.evaluate import evaluate_labels

    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal(0, 1, (30, 8)), rng.normal(3, 1, (30, 8))]).astype(np.float32)
    labels = np.array(["a"] * 30 + ["b"] * 30)
    seen = []
    from core.evaluation import classification

    monkeypatch.setitem(classification.PREDICTORS, "knn", lambda *args, metric="cosine", **kw:
                        seen.append(metric) or knn_predict(*args, metric=metric, **kw))
    evaluate_labels(vectors, labels, knn_metric="l1", classifiers=("knn",))
    assert seen and set(seen) == {"l1"}
    assert main(["evaluate", "builtin:gapminder", "--model", "table", "--label-column", "continent", "--metric", "l1",
                 "--format", "json"]) == 0
    assert "knn_accuracy" in json.dumps(json.loads(capsys.readouterr().out))
