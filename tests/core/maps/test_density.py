"""The density image of a large map: its counts are a histogram of every point."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.maps.density import density_counts, density_trace, with_density


def test_density_counts_equal_a_histogram_of_every_point():
    coords = np.random.default_rng(0).normal(size=(20_000, 2)).astype(np.float32)
    counts, x_edges, y_edges = density_counts(coords, bins=32)
    assert counts.sum() == 20_000
    for i in (0, 15, 31):
        for j in (0, 16, 31):
            inside_x = (coords[:, 0] >= x_edges[i]) & ((coords[:, 0] < x_edges[i + 1]) | (i == 31))
            inside_y = (coords[:, 1] >= y_edges[j]) & ((coords[:, 1] < y_edges[j + 1]) | (j == 31))
            assert counts[i, j] == np.count_nonzero(inside_x & inside_y)


def test_density_trace_shades_the_counts_of_the_chosen_rows_only():
    coords = np.array([[0, 0], [0, 0], [1, 1], [5, 5]], dtype=np.float32)
    trace = density_trace(coords, rows=np.array([0, 1, 2]), bins=2)
    z = np.array(trace.z, dtype=float)
    assert np.isclose(np.expm1(z[0, 0]), 2) and np.isclose(np.expm1(z[1, 1]), 1)
    assert np.isnan(z[0, 1]) and np.isnan(z[1, 0])


def test_with_density_puts_the_image_under_the_points_and_says_what_was_sampled():
    coords = np.random.default_rng(1).normal(size=(500, 2))
    scatter = go.Figure(go.Scattergl(x=coords[:50, 0], y=coords[:50, 1], mode="markers"))
    layered = with_density(scatter, coords, n_drawn=50, bins=16)
    assert [t.type for t in layered.data] == ["heatmap", "scattergl"]
    assert len(scatter.data) == 1  # the shared figure is left as it was
    assert "All 500 points" in layered.layout.annotations[0].text and "50" in layered.layout.annotations[0].text
