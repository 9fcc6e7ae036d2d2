"""A grown map kept on disk like any map: old coordinates unchanged, the drift beside them, keyed by content."""
import numpy as np

from core.maps.projection import ProjectionParams, fit_projection
from core.maps.stable import MapRecipe, drift_path, grow_and_keep, grow_map, grown_key, kept_drift
from tests.core.maps.test_stable import planted


def test_grown_coordinates_and_drift_are_kept_and_read_back(tmp_path):
    X, _ = planted(300)
    params = ProjectionParams(method="pca")
    old = fit_projection(X[:250], params).coords
    path = tmp_path / "grown.npy"
    coords, drift = grow_and_keep(X, old, MapRecipe.of(X[:250], params), path)
    assert coords[:250].tobytes() == old.tobytes() and coords.dtype == old.dtype
    assert np.load(path).tobytes() == coords.tobytes()
    assert kept_drift(path) == drift and drift.new_rows == 50
    assert "refit" in drift.sentence() and f"{drift.drift:.3f}" in drift.sentence()
    drift_path(path).unlink()
    assert kept_drift(path) is None


def test_the_grown_key_depends_on_the_old_map_and_the_grown_vectors():
    assert grown_key("a", "b") == grown_key("a", "b")
    assert len({grown_key("a", "b"), grown_key("a", "c"), grown_key("c", "b"), "b"}) == 4


def test_the_projector_at_hand_places_rows_as_its_refit_does():
    X, _ = planted(300)
    params = ProjectionParams(method="pca")
    fitted = fit_projection(X[:250], params)
    recipe = MapRecipe.of(X[:250], params)
    reused = grow_map(X, fitted.coords, recipe, projector=fitted.projector)
    assert reused.refit_max_diff == 0.0
    np.testing.assert_array_equal(reused.new_coords, grow_map(X, fitted.coords, recipe).new_coords)
    other = fit_projection(X[::-1][:250], params).projector  # another map's projector places them elsewhere
    assert not np.allclose(grow_map(X, fitted.coords, recipe, projector=other).new_coords, reused.new_coords)
