"""The shared vector algebra on toy vectors worked by hand."""
import numpy as np

from core.vectors import centroid, cosine, neutralise, project_onto, top_k, unit_rows


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
