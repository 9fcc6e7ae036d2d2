"""Zooming a large map and selecting from it: the drawn sample follows the view, and boxes and lassos pick every
row of the whole dataset inside them (checked against plain comparisons)."""
from __future__ import annotations

import numpy as np
import pytest

from core.maps.region import Region, box_polygon, drawn_in_view, inside_polygon, inside_shapes
from core.maps.view_state import ZOOM, decode_zoom

COORDS = np.random.default_rng(0).uniform(-10, 10, size=(200_000, 2)).astype(np.float32)


def test_the_drawn_sample_follows_the_view():
    region = Region(-2.0, 3.0, 1.0, 4.0)
    inside = region.contains(COORDS)
    rows, in_view = drawn_in_view(COORDS, region, max_points=1_000)
    assert np.array_equal(in_view, inside)
    assert len(rows) == 1_000 and inside[rows].all()


def test_with_fewer_points_in_view_than_the_cap_all_of_them_are_drawn():
    region = Region(0.0, 0.5, 0.0, 0.5)
    x, y = COORDS[:, 0], COORDS[:, 1]
    brute = np.flatnonzero((x >= 0) & (x <= 0.5) & (y >= 0) & (y <= 0.5))
    visible = np.arange(len(COORDS)) % 3 > 0
    rows, _ = drawn_in_view(COORDS, region, visible=visible, max_points=50_000)
    assert np.array_equal(rows, brute[visible[brute]])


def test_the_whole_map_is_drawn_as_before_without_a_zoom():
    from core.maps.figure import render_rows

    rows, in_view = drawn_in_view(COORDS, None, max_points=5_000)
    assert np.array_equal(rows, render_rows(len(COORDS), max_points=5_000)) and in_view.all()


def test_a_box_selects_every_point_inside_it():
    xs, ys = box_polygon((4.0, -1.5), (2.5, -3.0))  # drawn from any corner
    x, y = COORDS[:, 0], COORDS[:, 1]
    brute = (x > -1.5) & (x < 4.0) & (y > -3.0) & (y < 2.5)
    assert np.array_equal(inside_polygon(COORDS, xs, ys), brute)


def test_a_concave_lasso_selects_every_point_inside_it():
    xs = np.array([0, 6, 6, 2, 2, 0], dtype=float)  # an L: the box 0..6 x 0..2 and the box 0..2 x 2..6
    ys = np.array([0, 0, 2, 2, 6, 6], dtype=float)
    x, y = COORDS[:, 0], COORDS[:, 1]
    brute = ((x > 0) & (x < 6) & (y > 0) & (y < 2)) | ((x > 0) & (x < 2) & (y > 0) & (y < 6))
    assert np.array_equal(inside_polygon(COORDS, xs, ys), brute)
    assert brute.sum() > 1_000


def test_a_hexagon_lasso_matches_the_half_plane_test():
    angles = np.linspace(0, 2 * np.pi, 7)[:-1]
    xs, ys = 5 * np.cos(angles), 5 * np.sin(angles)
    edges = np.stack([np.roll(xs, -1) - xs, np.roll(ys, -1) - ys], axis=1)
    cross = edges[None, :, 0] * (COORDS[:, 1, None] - ys) - edges[None, :, 1] * (COORDS[:, 0, None] - xs)
    assert np.array_equal(inside_polygon(COORDS, xs, ys), (cross > 0).all(axis=1))


def test_several_shapes_select_their_union_and_degenerate_ones_nothing():
    first, second = box_polygon((0, 1), (0, 1)), box_polygon((5, 6), (5, 6))
    union = inside_shapes(COORDS, [first, second])
    assert np.array_equal(union, inside_polygon(COORDS, *first) | inside_polygon(COORDS, *second))
    assert not inside_polygon(COORDS, np.array([1.0, 2.0]), np.array([1.0, 2.0])).any()
    assert not inside_polygon(COORDS, np.array([1.0, 1.0, 1.0]), np.array([0.0, 2.0, 3.0])).any()


def test_a_zoom_goes_into_the_link_and_back():
    region = Region(-1.25, 3.5, 0.1, 7.0)
    assert decode_zoom({ZOOM: region.text()}) == region
    for bad in ("1,2,3", "a,b,c,d", "3,1,0,1", "nan,1,0,1", "0,1,0,inf"):
        assert decode_zoom({ZOOM: bad}) is None
    assert decode_zoom({}) is None
    with pytest.raises(ValueError):
        Region(0.0, 0.0, 0.0, 1.0)
