"""The shared neighbour graph: exact brute force checked against scikit-learn, NN-descent against exact."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from core.errors import DataError
from core.maps import knn as knn_module
from core.maps.knn import (
    KnnGraph,
    NeighbourIndex,
    _self_first,
    build_knn_graph,
    exact_knn,
    knn_cache_path,
    knn_graph,
)
from core.maps.knn_faiss import ivf_knn


def points(n: int = 300, d: int = 12, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "manhattan"])
def test_exact_graph_matches_sklearn_brute_force(metric):
    X = points()
    graph = build_knn_graph(X, 10, metric=metric)
    ref_d, ref_i = NearestNeighbors(n_neighbors=11, metric=metric, algorithm="brute").fit(X).kneighbors(X)
    assert graph.exact and graph.k == 10 and graph.indices.shape == (300, 11)
    np.testing.assert_array_equal(graph.indices, ref_i)
    np.testing.assert_allclose(graph.distances, ref_d, atol=1e-5)
    assert (graph.indices[:, 0] == np.arange(300)).all() and (graph.distances[:, 0] == 0).all()
    assert (np.diff(graph.distances, axis=1) >= 0).all()
    np.testing.assert_array_equal(graph.neighbours(4), ref_i[:, 1:5])


def test_duplicates_keep_each_row_first():
    X = np.repeat(points(20), 3, axis=0)  # every vector three times
    graph = build_knn_graph(X, 5, metric="euclidean")
    assert (graph.indices[:, 0] == np.arange(len(X))).all()
    twins = graph.neighbours(2)
    assert all(set(row) == set(range(3 * (i // 3), 3 * (i // 3) + 3)) - {i} for i, row in enumerate(twins))


def test_k_is_clamped_and_tiny_input_refused():
    assert build_knn_graph(points(6), 50).k == 5
    with pytest.raises(DataError, match="at least 2 vectors"):
        build_knn_graph(points(1), 3)
    with pytest.raises(DataError, match="holds 5 neighbours"):
        build_knn_graph(points(6), 50).neighbours(6)


def test_umap_knn_is_a_trimmed_copy():
    graph = build_knn_graph(points(), 15)
    idx, dist, index = graph.umap_knn(10)
    assert idx.shape == (300, 10) and dist.shape == (300, 10) and index is graph.index
    idx[:] = -1  # umap edits its input in place; the graph must not change
    assert (graph.indices[:, 0] == np.arange(300)).all()


def test_neighbour_index_queries_match_exact():
    X, Q = points(300), points(7, seed=1)
    found, dist = NeighbourIndex(X, "cosine").query(Q, 5)
    ref_d, ref_i = NearestNeighbors(n_neighbors=5, metric="cosine", algorithm="brute").fit(X).kneighbors(Q)
    np.testing.assert_array_equal(found, ref_i)
    np.testing.assert_allclose(dist, ref_d, atol=1e-5)
    assert NeighbourIndex._angular_trees is False  # read by umap's transform


def test_exact_knn_between_two_sets():
    X, Q = points(50), points(4, seed=2)
    idx, dist = exact_knn(Q, X, 3, metric="euclidean")
    brute = np.linalg.norm(Q[:, None] - X[None], axis=2)
    np.testing.assert_array_equal(idx, np.argsort(brute, axis=1)[:, :3])
    np.testing.assert_allclose(dist, np.sort(brute, axis=1)[:, :3], rtol=1e-4)


def test_graph_is_kept_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    X = points()
    first = knn_graph(X, 8)
    assert knn_cache_path(X, 8, "cosine").exists()

    def refuse(*args, **kwargs):
        raise AssertionError("rebuilt although the graph was on disk")

    monkeypatch.setattr(knn_module, "build_knn_graph", refuse)
    again = knn_graph(X, 8)
    np.testing.assert_array_equal(again.indices, first.indices)
    assert again.exact and again.index is not None
    with pytest.raises(AssertionError, match="rebuilt"):
        knn_graph(X, 8, metric="euclidean")  # another metric is another graph


@pytest.mark.slow
def test_nndescent_graph_for_large_data_has_high_recall(monkeypatch):
    """Above EXACT_LIMIT rows the graph comes from NN-descent: compared with exact search as the oracle."""
    monkeypatch.setattr(knn_module, "EXACT_LIMIT", 500)
    X = points(2000, 16)
    approx = build_knn_graph(X, 10)
    exact = NearestNeighbors(n_neighbors=11, metric="cosine", algorithm="brute").fit(X).kneighbors(X)[1][:, 1:]
    assert not approx.exact
    assert (approx.indices[:, 0] == np.arange(len(X))).all()
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(approx.neighbours(), exact)])
    assert recall > 0.9
    found, _ = approx.index.query(X[:600], 5)  # more queries than brute force takes: NN-descent answers
    assert (found[:, 0] == np.arange(600)).mean() > 0.95


def test_each_points_distance_to_its_kth_neighbour_is_the_brute_force_one():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 16)).astype(np.float32)
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    expected = np.sort(1 - unit @ unit.T, axis=1)[:, 10]  # column 0 is the point itself
    np.testing.assert_allclose(build_knn_graph(X, 15, metric="cosine").kth_distances(10), expected, atol=1e-5)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_ivf_flat_neighbours_against_brute_force(metric):
    """The bench's IVF-Flat graph: self first, true distances, high recall."""
    centres = np.random.default_rng(1).normal(size=(8, 16)) * 3
    X = (centres[np.arange(3_000) % 8] + points(3_000, 16)).astype(np.float32)
    indices, distances = ivf_knn(X, 11, metric=metric)
    approx = KnnGraph(*_self_first(indices, distances), metric, False)
    ref_d, ref_i = NearestNeighbors(n_neighbors=11, metric=metric, algorithm="brute").fit(X).kneighbors(X)
    assert approx.indices.dtype == np.int32
    assert (approx.indices[:, 0] == np.arange(len(X))).all() and (approx.distances[:, 0] == 0).all()
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(approx.neighbours(), ref_i[:, 1:])])
    assert recall > 0.9
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    own = np.linalg.norm(X[:, None] - X[approx.indices], axis=2) if metric == "euclidean" else \
        1 - np.einsum("id,ijd->ij", unit, unit[approx.indices])  # each listed neighbour's distance, recomputed
    np.testing.assert_allclose(approx.distances[:, 1:], np.maximum(own[:, 1:], 0), atol=1e-4)
    assert (np.diff(approx.distances, axis=1) >= -1e-6).all()
    assert (approx.distances[:, 10] >= ref_d[:, 10] - 1e-5).all()  # never nearer than the true 10th neighbour
