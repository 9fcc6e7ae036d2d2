"""A sampled UMAP fit refined with every row's neighbours: the layout settles (at this size the sampled fit
already keeps neighbourhoods as well as a full fit, so they must not get worse; the gain at a million rows is
the `map1m` bench's), and new rows are placed on the refined map."""
from __future__ import annotations

import numpy as np
import pytest

from core.maps.knn import build_knn_graph
from core.maps.projection import fit_projection, trustworthiness_score
from core.maps.settings import ProjectionParams
from core.vectors import unit_rows

pytestmark = pytest.mark.slow  # UMAP fits of thousands of rows


def _planted(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    middles = rng.normal(size=(12, 48))
    return unit_rows(middles[rng.integers(0, 12, n)] + rng.normal(scale=0.6, size=(n, 48)), np.float32)


def test_refining_a_sampled_fit_keeps_its_neighbourhoods_and_new_rows_land_on_the_refined_map():
    X = _planted(4_000)
    params = ProjectionParams(random_state=0)
    graph = build_knn_graph(X, 16, metric="cosine")
    placed = fit_projection(X, params, max_fit=500)
    refined = fit_projection(X, params, max_fit=500, graph=lambda: graph)
    assert placed.sampled and np.abs(placed.coords - refined.coords).max() > 0  # the layout moved
    before, after = (trustworthiness_score(X, m.coords, sample=4_000) for m in (placed, refined))
    assert after > before - 0.005, (before, after)
    np.testing.assert_array_equal(refined.projector.embedding_, refined.coords[refined.fit_rows])
    again = refined.projector.transform(X[:200])  # rows already on the map land beside themselves
    spread = np.ptp(refined.coords, axis=0).max()
    assert np.median(np.linalg.norm(again - refined.coords[:200], axis=1)) < 0.05 * spread


def test_rows_added_to_a_refined_map_land_beside_their_twins_on_it():
    from core.maps.stable import MapRecipe, grow_map

    X = _planted(3_000, seed=1)
    params = ProjectionParams(random_state=0)
    old = fit_projection(X, params, max_fit=500, graph=lambda: build_knn_graph(X, 16, metric="cosine")).coords
    twins = np.concatenate([X, X[:100]])  # new rows equal to old ones
    grown = grow_map(twins, old, MapRecipe.of(X, params, 500))  # a seeded refit, then placed among the stored rows
    assert grown.refit_max_diff > 0  # the refit is the map before it was refined
    spread = np.ptp(old, axis=0).max()
    assert np.median(np.linalg.norm(grown.new_coords - old[:100], axis=1)) < 0.05 * spread


def test_the_reduced_graph_keeps_euclidean_neighbours_when_no_component_is_dropped():
    from core.maps.refine import reduced_graph

    X = np.random.default_rng(2).normal(size=(600, 24)).astype(np.float32)  # 24 <= REDUCED_DIMS: a rotation
    reduced = reduced_graph(X, np.arange(0, 600, 2), 10, "euclidean")
    exact = build_knn_graph(X, 10, metric="euclidean")
    assert (reduced.indices[:, 1:] == exact.indices[:, 1:]).mean() > 0.99
    np.testing.assert_allclose(reduced.distances, exact.distances, rtol=1e-3, atol=1e-4)


def test_letting_go_of_a_mapped_inputs_pages_keeps_its_values(tmp_path):
    from core.maps.refine import release_pages

    path = tmp_path / "rows.npy"
    np.save(path, np.arange(20_000, dtype=np.float32).reshape(-1, 4))
    mapped = np.load(path, mmap_mode="r")
    total = float(np.asarray(mapped).sum())
    for array in (mapped, np.asarray(mapped, dtype=np.float32)[10:], np.ones(3)):
        release_pages(array)
    assert float(np.asarray(mapped).sum()) == total  # read again from the file


def test_which_maps_are_refined(monkeypatch):
    from core.maps import large
    from core.maps.projection import refines

    umap, pca = ProjectionParams(), ProjectionParams(method="pca")
    assert refines(30_000, umap, 20_000) and not refines(20_000, umap, 20_000) and not refines(30_000, pca, 20_000)
    monkeypatch.setattr(large, "LARGE_ROWS", 25_000)
    assert refines(30_000, umap, 20_000) and not refines(30_000, ProjectionParams(metric="hamming"), 20_000)


def test_a_large_map_is_refined_with_the_reduced_graph(monkeypatch, data_dir):
    from core.maps import large
    from core.maps.projection import project_map

    monkeypatch.setattr(large, "LARGE_ROWS", 2_000)
    X = _planted(3_000, seed=3)
    params = ProjectionParams(random_state=0)
    refined = project_map(X, params, max_fit=500, use_cache=False)
    placed = fit_projection(X, params, max_fit=500)
    assert np.abs(refined.coords - placed.coords).max() > 0
    np.testing.assert_array_equal(refined.projector.embedding_, refined.coords[refined.fit_rows])
