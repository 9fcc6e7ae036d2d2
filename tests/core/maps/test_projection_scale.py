"""Projection at scale: the shared graph reused by UMAP, fit on a sample + transform, openTSNE, umap_fast."""
from __future__ import annotations

import sys

import numpy as np
import pytest
import scipy.sparse as sp

from core.maps import projection as proj
from core.maps.knn import build_knn_graph
from core.maps.projection import (
    FittedMap,
    ProjectionParams,
    fit_projection,
    fit_sample,
    is_cached,
    neighbour_graph,
    project,
    projection_cache_path,
)
from core.maps.projector import Projector


def blobs(n_per: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 20)) * 8
    labels = np.repeat(np.arange(3), n_per)
    return (centres[labels] + rng.normal(size=(len(labels), 20))).astype(np.float32), labels


def centroid_accuracy(Y: np.ndarray, labels: np.ndarray) -> float:
    cents = np.stack([Y[labels == k].mean(axis=0) for k in range(3)])
    return float((np.argmin(((Y[:, None] - cents[None]) ** 2).sum(-1), axis=1) == labels).mean())


def test_fit_sample_is_seeded_and_bounded():
    np.testing.assert_array_equal(fit_sample(10, 20, 0), np.arange(10))
    rows = fit_sample(1000, 100, 42)
    assert len(rows) == 100 and (np.diff(rows) > 0).all()
    np.testing.assert_array_equal(rows, fit_sample(1000, 100, 42))


def test_pca_and_tsne_ignore_max_fit():
    X, _ = blobs()
    fitted = fit_projection(X, ProjectionParams(method="pca"), max_fit=50)
    assert isinstance(fitted, FittedMap) and not fitted.sampled and fitted.coords.shape == (300, 2)


@pytest.mark.slow
def test_umap_on_a_sample_places_the_rest_with_transform(data_dir):
    X, labels = blobs(200)
    params = ProjectionParams(n_neighbors=10, random_state=0)
    fitted = fit_projection(X, params, max_fit=200)
    assert fitted.sampled and len(fitted.fit_rows) == 200 and fitted.coords.shape == (600, 2)
    np.testing.assert_array_equal(fitted.coords[fitted.fit_rows], fitted.projector.embedding_)
    assert np.isfinite(fitted.coords).all() and centroid_accuracy(fitted.coords, labels) == 1.0
    np.testing.assert_array_equal(fitted.coords, fit_projection(X, params, max_fit=200).coords)  # reproducible
    coords = project(X, params, max_fit=200)  # then refined with every row's neighbours (core.maps.refine)
    refined = fit_projection(X, params, max_fit=200, graph=lambda: neighbour_graph(X, params))
    np.testing.assert_array_equal(coords, refined.coords)
    assert centroid_accuracy(coords, labels) == 1.0
    assert is_cached(X, params, max_fit=200) and not is_cached(X, params, max_fit=300)  # the sample is in the key
    assert projection_cache_path(X, params, max_fit=200) != projection_cache_path(X, params, max_fit=600)


@pytest.mark.slow
def test_umap_reuses_the_graph_it_is_given(monkeypatch, data_dir):
    X, labels = blobs()
    graph = build_knn_graph(X, 16)

    def refuse(*args, **kwargs):
        raise AssertionError("a second graph was computed")

    monkeypatch.setattr(proj, "knn_graph", refuse)
    fitted = fit_projection(X, ProjectionParams(random_state=0), knn=graph)
    assert not fitted.sampled and centroid_accuracy(fitted.coords, labels) == 1.0
    assert fitted.projector.reducer_.knn_indices.shape == (300, 15)  # umap received the graph, trimmed to n_neighbors
    placed = fitted.projector.transform(X[:5] + 0.01)  # the graph's index places new points
    assert centroid_accuracy(np.vstack([fitted.coords, placed]), np.concatenate([labels, labels[:5]])) == 1.0


@pytest.mark.slow
def test_tsne_runs_on_opentsne_with_sklearn_as_fallback(monkeypatch):
    X, labels = blobs(50)
    assert type(Projector("tsne")._build(150)).__name__ == "_OpenTSNE"
    Y = Projector("tsne", perplexity=20, random_state=0).fit_transform(X)
    assert Y.shape == (150, 2) and centroid_accuracy(Y, labels[:150]) == 1.0
    monkeypatch.setitem(sys.modules, "openTSNE", None)  # import fails: scikit-learn's TSNE takes over
    from sklearn.manifold import TSNE
    assert isinstance(Projector("tsne")._build(150), TSNE)


def test_vectorised_init_graph_transform_matches_umaps():
    import umap.umap_ as umap_module

    from core.maps import umap_fast

    original = umap_fast.ORIGINAL or umap_module.init_graph_transform
    graph = sp.random(300, 80, density=0.05, random_state=1, format="lil", dtype=np.float32)
    graph[4, 9] = 1.0  # an identical point: placed exactly on its twin
    graph[7, :] = 0  # no neighbour: NaN, as umap does
    graph = graph.tocsr()
    graph.eliminate_zeros()
    embedding = np.random.default_rng(2).normal(size=(80, 2)).astype(np.float32)
    ours = umap_fast.init_graph_transform(graph, embedding)
    np.testing.assert_allclose(ours, original(graph, embedding), atol=1e-5)
    assert np.isnan(ours[7]).all() and (ours[4] == embedding[9]).all()
    umap_fast.install()
    assert umap_module.init_graph_transform is umap_fast.init_graph_transform
    assert umap_fast.ORIGINAL is not umap_fast.init_graph_transform
