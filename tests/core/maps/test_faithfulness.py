"""Faithfulness measures on cases with known answers, and against scikit-learn's trustworthiness."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from core.errors import DataError
from core.maps.faithfulness import (
    faithfulness,
    knn_preservation,
    map_neighbours,
    neighbour_overlap,
    per_point_trustworthiness,
    trust_rows,
)
from core.maps.knn import build_knn_graph


def test_neighbour_overlap_by_hand():
    a = np.array([[1, 2, 3], [0, 2, 3]])
    b = np.array([[3, 2, 1], [4, 5, 0]])
    np.testing.assert_allclose(neighbour_overlap(a, b), [1.0, 1 / 3])
    with pytest.raises(DataError):
        neighbour_overlap(a, b[:, :2])


def test_map_neighbours_on_a_line():
    coords = np.array([[0.0, 0], [1, 0], [2, 0], [10, 0], [11, 0]])
    np.testing.assert_array_equal(np.sort(map_neighbours(coords, 2), axis=1), [[1, 2], [0, 2], [0, 1], [2, 4], [2, 3]])


def test_identity_map_keeps_everything():
    X = np.random.default_rng(0).normal(size=(400, 2))
    result = faithfulness(X, X.copy(), build_knn_graph(X, 16, metric="euclidean"))
    assert result.preservation_mean == pytest.approx(1.0)
    assert result.trust_mean == pytest.approx(1.0)
    assert (result.preservation == 1).all() and not result.sampled


def test_rotated_scaled_shifted_map_is_still_faithful():
    X = np.random.default_rng(2).normal(size=(300, 2))
    angle = 0.7
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    Y = 3.0 * X @ rotation + 5.0  # distances scaled, neighbourhoods unchanged
    result = faithfulness(X, Y, build_knn_graph(X, 16, metric="euclidean"))
    assert result.preservation_mean == pytest.approx(1.0) and result.trust_mean == pytest.approx(1.0)


def test_shuffled_map_is_at_chance():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1000, 8))
    Y = X[rng.permutation(1000), :2]  # every point gets another point's place
    result = faithfulness(X, Y, build_knn_graph(X, 16, metric="euclidean"))
    assert result.chance == pytest.approx(10 / 999)
    assert abs(result.preservation_mean - result.chance) < 0.01
    assert 0.4 < result.trust_mean < 0.6  # a random map scores about 0.5


@pytest.mark.parametrize("metric", ["euclidean", "cosine", "manhattan"])
def test_per_point_trust_averages_to_sklearn(metric):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 6))
    Y = X[:, :2] + rng.normal(scale=0.5, size=(300, 2))
    ours = per_point_trustworthiness(X, Y, k=5, metric=metric)
    assert ours.shape == (300,) and (ours <= 1).all()
    assert ours.mean() == pytest.approx(trustworthiness(X, Y, n_neighbors=5, metric=metric), abs=1e-9)


def test_sampled_trust_scores_only_the_sample_with_the_full_ranks():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 5))
    Y = X[:, :2]
    result = faithfulness(X, Y, build_knn_graph(X, 16, metric="euclidean"), limit=100, sample=50)
    assert result.sampled and len(result.trust_rows) == 50
    assert np.isnan(result.trust).sum() == 450
    full = per_point_trustworthiness(X, Y, k=10, metric="euclidean")
    np.testing.assert_allclose(result.trust[result.trust_rows], full[result.trust_rows])
    np.testing.assert_array_equal(trust_rows(500, limit=100, sample=50), result.trust_rows)  # seeded


def test_bad_k_is_a_user_error():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(DataError, match="below half"):
        per_point_trustworthiness(X, X[:, :2], k=5)


def test_preservation_uses_the_original_neighbours_given():
    X = np.random.default_rng(5).normal(size=(100, 3))
    graph = build_knn_graph(X, 16, metric="euclidean")
    np.testing.assert_allclose(knn_preservation(graph.neighbours(10), X), 1.0)
