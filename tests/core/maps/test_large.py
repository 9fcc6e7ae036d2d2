"""Large maps: a sampled UMAP fit with the rest placed by transform, no full graph, faithfulness on a sample."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

from core.jobs import JobProgress
from core.maps import large
from core.maps.build import build_map
from core.maps.clusters import ClusterSpec
from core.maps.projection import ProjectionParams, fit_projection


def planted(n: int, centres: int = 5, dim: int = 24, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    middles = rng.normal(size=(centres, dim)) * 4
    labels = rng.integers(0, centres, n)
    return (middles[labels] + rng.normal(size=(n, dim))).astype(np.float32), labels


def label_agreement(coords: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Share of each point's k nearest map neighbours with its own planted label."""
    found = NearestNeighbors(n_neighbors=k + 1).fit(coords).kneighbors(coords, return_distance=False)[:, 1:]
    return float((labels[found] == labels[:, None]).mean())


def test_a_large_map_is_fitted_on_a_sample_and_keeps_planted_clusters_apart(monkeypatch):
    monkeypatch.setattr(large, "LARGE_ROWS", 1_000)
    monkeypatch.setattr(large, "FAITH_SAMPLE", 300)
    X, labels = planted(1_600)
    texts = [f"topic{c} word{c}" for c in labels]
    run = build_map(X, texts, ProjectionParams(), clusters=ClusterSpec(), use_cache=False, max_fit=400)
    assert run.graph is None and "knn_graph" not in run.timings
    assert run.fitted.sampled and len(run.fitted.fit_rows) == 400
    assert label_agreement(run.coords, labels) > 0.95
    assert len(run.faith.scored) == 300 and np.isnan(run.faith.preservation).sum() == 1_300
    rows = run.faith.scored
    assert run.faith.trust_mean == pytest.approx(trustworthiness(X[rows], run.coords[rows], n_neighbors=10,
                                                                 metric="cosine"), abs=1e-9)
    assert run.clusters.n_clusters >= 4
    assert "sample of 400 of the 1,600 points" in large.sampling_note(1_600, 400, run.faith)


def test_sampled_faithfulness_equals_the_plain_measure_on_the_sample():
    X, _ = planted(900)
    Y = X[:, :2].copy()
    faith = large.sampled_faithfulness(X, Y, metric="euclidean", sample=200)
    rows = faith.scored
    assert len(rows) == 200 and np.array_equal(rows, faith.trust_rows)
    assert faith.trust_mean == pytest.approx(trustworthiness(X[rows], Y[rows], n_neighbors=10), abs=1e-9)
    assert faith.chance == pytest.approx(10 / 199)


def test_sampled_knn_preservation_compares_the_samples_own_rows():
    """A map that is the data itself keeps every neighbour: sample rows and whole-data rows are never mixed."""
    X = np.random.default_rng(4).normal(size=(3_000, 2)).astype(np.float32)
    faith = large.sampled_faithfulness(X, X.copy(), metric="euclidean", sample=400)
    assert len(faith.scored) == 400
    assert faith.preservation_mean == pytest.approx(1.0)
    assert faith.trust_mean == pytest.approx(1.0)
    shuffled = large.sampled_faithfulness(X, X[np.random.default_rng(5).permutation(3_000)], metric="euclidean",
                                          sample=400)
    assert shuffled.preservation_mean < 0.1  # a map that lost the neighbours is told apart


def test_placing_the_rest_reports_progress_to_the_last_row():
    X, _ = planted(500)
    progress = JobProgress()
    fitted = fit_projection(X, ProjectionParams(method="pca"), max_fit=100, progress=progress)
    assert fitted.coords.shape == (500, 2)
    assert (progress.done, progress.total) == (0, 0)  # PCA fits every row: nothing is placed
    umap_like = ProjectionParams(method="umap", n_neighbors=8)
    fitted = fit_projection(X, umap_like, max_fit=150, progress=progress)
    assert (progress.done, progress.total) == (350, 350) and np.isfinite(fitted.coords).all()


def test_open_vectors_maps_plain_float32_and_declines_the_rest(tmp_path):
    X, _ = planted(50)
    np.save(tmp_path / "ok.npy", X)
    opened = large.open_vectors(tmp_path / "ok.npy")
    assert isinstance(opened, np.memmap) and np.array_equal(opened, X)
    np.save(tmp_path / "f64.npy", X.astype(np.float64))
    bad = X.copy()
    bad[3, 1] = np.nan
    np.save(tmp_path / "nan.npy", bad)
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    for name in ("f64.npy", "nan.npy", "objects.npy"):
        assert large.open_vectors(tmp_path / name) is None
