"""Stable maps: new rows placed on an existing map, the old points unmoved, the drift measured."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from core.errors import DataError
from core.maps.projection import ProjectionParams, fit_projection
from core.maps.stable import MapRecipe, drift_of, grow_map, grown_frame


def planted(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    middles = rng.normal(size=(4, 16)) * 4
    labels = rng.integers(0, 4, n)
    return (middles[labels] + rng.normal(size=(n, 16))).astype(np.float32), labels


def test_new_rows_land_among_their_cluster_and_the_refit_reproduces_the_map():
    X, labels = planted(500)
    params = ProjectionParams(n_neighbors=10)
    old = fit_projection(X[:400], params).coords
    grown = grow_map(X, old.astype(np.float64), MapRecipe.of(X[:400], params))
    assert grown.refit_max_diff == 0.0
    assert grown.new_coords.shape == (100, 2)
    nearest_old = NearestNeighbors(n_neighbors=1).fit(old).kneighbors(grown.new_coords, return_distance=False)[:, 0]
    assert (labels[:400][nearest_old] == labels[400:]).mean() > 0.95
    assert grown.drift.new_rows == 100 and grown.drift.old_rows == 400
    assert abs(grown.drift.drift) < 0.05


def test_drift_grows_when_the_new_points_are_placed_at_random():
    X, _ = planted(500)
    coords = fit_projection(X, ProjectionParams(method="pca")).coords
    scrambled = coords.copy()
    scrambled[400:] = np.random.default_rng(1).permutation(scrambled[400:])
    assert drift_of(X, scrambled, 400).drift > drift_of(X, coords, 400).drift + 0.1


def test_grown_data_must_start_with_the_map_rows():
    X, _ = planted(300)
    recipe = MapRecipe.of(X[:200], ProjectionParams(method="pca"))
    with pytest.raises(DataError, match="first 200 rows"):
        grow_map(X[::-1].copy(), np.zeros((200, 2)), recipe)
    with pytest.raises(DataError, match="t-SNE"):
        grow_map(X, np.zeros((200, 2)), MapRecipe.of(X[:200], ProjectionParams(method="tsne")))


def test_recipe_round_trips_and_the_grown_frame_marks_new_rows():
    recipe = MapRecipe.of(np.ones((3, 2), np.float32), ProjectionParams(n_neighbors=7))
    assert MapRecipe.from_json(recipe.to_json()) == recipe
    import pandas as pd
    frame = grown_frame(pd.DataFrame({"x": [0.1, 0.2], "y": [1.0, 2.0]}), pd.DataFrame({"x": [3.0], "y": [4.0]}))
    assert frame["new"].tolist() == [False, False, True]
