"""Outlier scores: planted outliers rank first with each method; the graph is read, not an N x N matrix."""
import numpy as np
import pytest

from core.maps.knn import build_knn_graph
from core.quality.outliers import find_outliers, graph_matrix, scores_frame, why_alone
from core.vectors import unit_rows


def _blobs_with_outliers(n=400, dim=16, planted=5, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, dim))
    X = centres[rng.integers(0, 4, n)] + rng.normal(scale=0.15, size=(n, dim))
    rows = rng.choice(n, planted, replace=False)
    X[rows] = rng.normal(size=(planted, dim)) * 3  # far from every centre, in random directions
    return unit_rows(X, np.float32), rows


@pytest.mark.parametrize("method", ["knn", "lof", "iforest"])
def test_planted_outliers_rank_first(method):
    X, planted = _blobs_with_outliers()
    result = find_outliers(X, method=method, k=10, contamination=len(planted) / len(X), use_cache=False)
    assert set(result.ranked[:len(planted)]) == set(planted)
    assert result.flagged.sum() >= len(planted) and result.flagged[planted].all()


def test_knn_score_is_the_cosine_distance_to_the_kth_neighbour():
    X, _ = _blobs_with_outliers(n=120)
    k = 4
    result = find_outliers(X, method="knn", k=k, use_cache=False)
    cos = X @ X.T
    np.fill_diagonal(cos, -np.inf)
    kth = -np.sort(-cos, axis=1)[:, k - 1]
    np.testing.assert_allclose(result.scores, 1 - kth, atol=1e-5)


def test_lof_on_the_shared_graph_matches_scikit_learn_on_the_vectors():
    from sklearn.neighbors import LocalOutlierFactor

    X, _ = _blobs_with_outliers(n=150)
    graph = build_knn_graph(X, 16)
    ours = find_outliers(X, method="lof", k=8, graph=graph, use_cache=False).scores
    plain = -LocalOutlierFactor(n_neighbors=8, metric="cosine").fit(X).negative_outlier_factor_
    np.testing.assert_allclose(ours, plain, rtol=1e-4)
    assert graph_matrix(graph, 8).nnz == len(X) * 9


def test_why_alone_lists_each_outliers_nearest_rows_and_the_csv_keeps_input_order():
    X, planted = _blobs_with_outliers(n=100, planted=2)
    graph = build_knn_graph(X, 16)
    result = find_outliers(X, method="knn", k=5, graph=graph)
    labels = [f"t{i}" for i in range(len(X))]
    table = why_alone(result, graph, labels, top=3, neighbours=2)
    first = int(table["row"][0])
    assert first in planted and table["rank"].tolist() == [1, 2, 3]
    nearest = graph.indices[first, 1]
    assert table["nearest neighbours"][0].startswith(f"{graph.distances[first, 1]:.3f} t{nearest}")
    frame = scores_frame(result, np.arange(len(X)) + 10, labels)
    assert frame["row"].tolist() == list(range(10, 110)) and frame["score"].idxmax() == first
