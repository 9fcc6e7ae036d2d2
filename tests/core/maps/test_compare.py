"""Comparing maps and models, and custom axes, on hand-checkable vectors."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import DataError
from core.maps.axes import SELECTION, axis_title, axis_values, custom_axes, resolve_pole
from core.maps.compare import align, map_overlap, model_overlap
from core.maps.knn import build_knn_graph


def test_same_model_overlaps_fully_and_unrelated_ones_at_chance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 8))
    graph = build_knn_graph(X, 16)
    np.testing.assert_allclose(model_overlap(graph, graph), 1.0)
    other = build_knn_graph(rng.normal(size=(500, 8)), 16)
    assert model_overlap(graph, other).mean() < 0.05  # 10 / 499 = 0.02 by chance
    with pytest.raises(DataError, match="same rows"):
        model_overlap(graph, build_knn_graph(X[:100], 16))


def test_map_overlap_of_a_map_with_itself_and_with_a_rotation():
    coords = np.random.default_rng(1).normal(size=(300, 2))
    rotated = coords @ np.array([[0.0, -1.0], [1.0, 0.0]]) * 4 + 2
    np.testing.assert_allclose(map_overlap(coords, rotated, k=5), 1.0)
    with pytest.raises(DataError):
        map_overlap(coords, coords[:10])


@pytest.mark.parametrize("mirror", [False, True])
def test_align_undoes_rotation_mirror_scale_and_shift(mirror):
    ref = np.random.default_rng(2).normal(size=(200, 2))
    angle = 1.1
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = ref @ turn * 0.3 - 7
    if mirror:
        moved[:, 0] *= -1
    np.testing.assert_allclose(align(ref, moved), ref, atol=1e-4)


def test_axis_values_by_hand():
    vectors = np.array([[1.0, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    texts = ["east", "north", "north east", "up"]
    a = resolve_pole("east", texts=texts, vectors=vectors)
    b = resolve_pole("north", texts=texts, vectors=vectors)
    np.testing.assert_allclose(axis_values(vectors, a, b), [1, -1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(axis_values(vectors, a), [1, 0, np.sqrt(0.5), 0], atol=1e-6)
    coords = custom_axes(vectors, (a, b), (resolve_pole("up", texts=texts, vectors=vectors), None))
    np.testing.assert_allclose(coords[:, 1], [0, 0, 0, 1], atol=1e-6)
    assert axis_title(a, b) == "sim(east) - sim(north)" and axis_title(a, None) == "sim(east)"


def test_poles_from_regex_selection_and_a_model():
    vectors = np.array([[1.0, 0], [0, 1], [1, 1]])
    texts = ["cat", "dog", "catdog"]
    regex = resolve_pole("/^cat/", texts=texts, vectors=vectors)
    assert "2 rows matching" in regex.source
    np.testing.assert_allclose(regex.vector, (np.array([1, 0]) + np.array([1, 1]) / np.sqrt(2)) / 2, atol=1e-6)
    picked = resolve_pole(SELECTION, texts=texts, vectors=vectors, selection=[1])
    np.testing.assert_allclose(picked.vector, [0, 1])
    embedded = resolve_pole("a new phrase", texts=texts, vectors=vectors, embed=lambda p: np.array([[3.0, 4.0]]))
    np.testing.assert_allclose(embedded.vector, [0.6, 0.8])
    assert "embedded" in embedded.source


@pytest.mark.parametrize("spec,kwargs,message", [
    ("", {}, "empty"), ("/[/", {}, "not a valid regular expression"), ("/zebra/", {}, "No row's text matches"),
    (SELECTION, {}, "selected on the Map page"), ("wolf", {}, "not a row of this data"),
    ("xyz", {"embed": lambda p: np.full((1, 2), np.nan)}, "no vector"),
])
def test_bad_poles_say_what_to_do(spec, kwargs, message):
    with pytest.raises(DataError, match=message):
        resolve_pole(spec, texts=["cat", "dog"], vectors=np.eye(2), **kwargs)
