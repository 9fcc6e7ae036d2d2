"""The shared vector algebra on toy vectors worked by hand."""
import numpy as np
import pytest

from core.vectors import (
    anisotropy,
    centroid,
    cosine,
    mean_pairwise_cosine,
    neutralise,
    project_onto,
    random_pairs,
    top_k,
    unit_rows,
)


def test_unit_rows_scales_and_keeps_zero_rows():
    out = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert unit_rows(np.array([1, 1], dtype=np.float32)).dtype == np.float32


def test_cosine_of_query_with_rows():
    np.testing.assert_allclose(cosine(np.array([1.0, 0.0]), np.array([[2.0, 0.0], [0.0, 5.0], [-1.0, 0.0]])),
                               [1.0, 0.0, -1.0])


def test_top_k_smallest_first_ties_by_column():
    idx, vals = top_k(np.array([[0.5, 0.1, 0.1, 0.9]]), 3)
    assert idx.tolist() == [[1, 2, 0]]
    np.testing.assert_allclose(vals, [[0.1, 0.1, 0.5]])
    assert top_k(np.zeros((2, 3)), 0)[0].shape == (2, 0)
    assert top_k(np.array([[2.0, 1.0]]), 5)[0].tolist() == [[1, 0]]


def test_project_onto_is_cosine_with_direction():
    np.testing.assert_allclose(project_onto(np.array([[1.0, 1.0], [0.0, 3.0]]), np.array([0.0, 2.0])),
                               [np.sqrt(0.5), 1.0])


def test_neutralise_removes_the_direction_and_renormalises():
    out = neutralise(np.array([[1.0, 1.0], [2.0, -1.0]]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(out, [[1.0, 0.0], [1.0, 0.0]])


def test_centroid_is_unit_mean_of_unit_rows():
    np.testing.assert_allclose(centroid(np.array([[10.0, 0.0], [0.0, 1.0]])), [np.sqrt(0.5), np.sqrt(0.5)])


def test_anisotropy_of_equal_vectors_is_one_and_of_orthonormal_vectors_zero():
    assert anisotropy(np.tile([[3.0, 4.0, 0.0]], (50, 1))) == pytest.approx(1.0)
    assert anisotropy(np.eye(40) * 2.5) == pytest.approx(0.0, abs=1e-12)
    assert anisotropy(np.vstack([np.eye(3), -np.eye(3)])) == pytest.approx(-3 / 15)  # all 15 pairs: three at -1
    assert np.isnan(anisotropy(np.ones((1, 3))))


def test_anisotropy_samples_distinct_pairs_seeded_and_matches_brute_force():
    x = np.random.default_rng(1).normal(size=(300, 8)) + 0.5
    i, j = random_pairs(300, 20_000, seed=3)
    assert len(i) == 20_000 and not (i == j).any()
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    brute = (u @ u.T)[np.triu_indices(300, k=1)].mean()
    assert anisotropy(x, n_pairs=20_000, seed=3) == anisotropy(x, n_pairs=20_000, seed=3)
    assert anisotropy(x, n_pairs=20_000) == pytest.approx(brute, abs=0.01)
    assert anisotropy(x[:100], n_pairs=10_000) == pytest.approx((u[:100] @ u[:100].T)[np.triu_indices(100, k=1)].mean())


def test_mean_pairwise_cosine_is_the_mean_over_distinct_pairs():
    x = np.random.default_rng(0).normal(size=(7, 5))
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    assert mean_pairwise_cosine(x) == pytest.approx((u @ u.T)[np.triu_indices(7, k=1)].mean())
    assert np.isnan(mean_pairwise_cosine(x[:1]))
