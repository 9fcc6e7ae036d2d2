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
