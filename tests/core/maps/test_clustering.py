"""Clusterers behind the scikit-learn contract, on blobs with known answers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from core.errors import DataError, UserError
from core.maps.clusterer import Clusterer
from core.maps.clustering import (
    NOISE,
    ClusteringError,
    candidate_ks,
    cluster_scores,
    max_suggested_k,
    relabel_by_size,
    suggest_k,
)
from core.maps.clusters import (
    ClusterSpec,
    auto_min_cluster_size,
    cluster_centres,
    cluster_map,
    clustering_space,
    is_linear_map,
)
from core.maps.knn import build_knn_graph


def blobs(n_per: int = 60, dim: int = 5, seed: int = 0, sizes=(1.0, 1.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """Three well separated Gaussian blobs (sizes scale the number of points per blob)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, dim) * 12
    counts = [int(n_per * s) for s in sizes]
    labels = np.repeat(np.arange(3), counts)
    return (centres[labels] + rng.normal(size=(len(labels), dim))).astype(np.float32), labels


@parametrize_with_checks([Clusterer("kmeans", n_clusters=3), Clusterer("kmeans"),
                          Clusterer("hdbscan", min_cluster_size=5), Clusterer("agglomerative", n_clusters=3)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_params_clone_and_fitted_state():
    c = Clusterer("agglomerative", n_clusters=4, linkage="average", max_fit=500, random_state=7)
    assert c.get_params()["linkage"] == "average" and c.get_params()["max_fit"] == 500
    twin = clone(c)
    assert twin.get_params() == c.get_params() and not hasattr(twin, "labels_")
    X, _ = blobs()
    assert c.fit(X) is c and c.labels_.shape == (180,) and c.n_features_in_ == 5
    assert not hasattr(clone(c), "labels_")
    np.testing.assert_array_equal(Clusterer("kmeans", n_clusters=3).fit_predict(X),
                                  Clusterer("kmeans", n_clusters=3).fit(X).labels_)


@pytest.mark.parametrize("method", ["kmeans", "agglomerative", "hdbscan"])
def test_each_method_finds_the_blobs(method):
    X, truth = blobs()
    labels = Clusterer(method, n_clusters=3 if method != "hdbscan" else None, min_cluster_size=10).fit(X).labels_
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)


def test_suggested_k_is_the_number_of_blobs():
    X, truth = blobs()
    best, scores = suggest_k(X, k_min=2, k_max=8)
    assert best == 3 and set(scores) == set(range(2, 9)) and scores[3] == max(scores.values())
    fitted = Clusterer("kmeans").fit(X)
    assert fitted.n_clusters_ == 3 and fitted.silhouette_by_k_ == suggest_k(X)[1]
    assert adjusted_rand_score(truth, Clusterer("agglomerative").fit(X).labels_) == pytest.approx(1.0)


def test_hdbscan_marks_scattered_points_as_noise():
    X, truth = blobs(dim=2)
    background = np.random.default_rng(1).uniform(-30, 40, size=(20, 2)).astype(np.float32)
    labels = Clusterer("hdbscan", min_cluster_size=15).fit(np.vstack([X, background])).labels_
    assert (labels[-20:] == NOISE).mean() > 0.7
    assert adjusted_rand_score(truth, labels[:180]) > 0.95


@pytest.mark.parametrize("method", ["kmeans", "agglomerative", "hdbscan"])
def test_large_data_is_fitted_on_a_sample_and_the_rest_placed(method):
    X, truth = blobs(n_per=200, dim=2)  # 600 points, 150 fitted
    model = Clusterer(method, n_clusters=3 if method != "hdbscan" else None, min_cluster_size=10, max_fit=150).fit(X)
    assert len(model.fit_rows_) == 150 and model.labels_.shape == (600,)
    assert adjusted_rand_score(truth, model.labels_) > 0.95
    np.testing.assert_array_equal(model.labels_, clone(model).fit(X).labels_)  # seeded sample: same labels


def test_rest_follow_the_nearest_centre_in_many_dimensions():
    X, truth = blobs(n_per=200, dim=40)  # more than 10 dimensions: nearest centre, not nearest point
    labels = Clusterer("agglomerative", n_clusters=3, max_fit=150).fit(X).labels_
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)


def test_labels_are_numbered_by_size_with_noise_kept():
    np.testing.assert_array_equal(relabel_by_size(np.array([5, 5, 2, -1, 2, 2, 9])), [1, 1, 0, -1, 0, 0, 2])
    X, _ = blobs(sizes=(0.5, 1.0, 1.5))
    sizes = np.bincount(Clusterer("kmeans", n_clusters=3).fit(X).labels_)
    assert list(sizes) == sorted(sizes, reverse=True)


def test_scores_on_blobs_and_degenerate_cases():
    X, truth = blobs()
    scores = cluster_scores(X, truth)
    assert scores["silhouette"] > 0.7 and scores["davies_bouldin"] < 0.5 and scores["n_scored"] == 180
    assert cluster_scores(X, np.zeros(180, int))["silhouette"] is None
    noisy = truth.copy()
    noisy[:10] = NOISE
    assert cluster_scores(X, noisy)["n_scored"] == 170
    assert cluster_scores(X, truth, sample=50)["n_scored"] == 50


@pytest.mark.parametrize("kwargs,message", [
    ({"method": "dbscan"}, "Unknown clustering method"), ({"linkage": "median"}, "Unknown linkage"),
    ({"n_clusters": 500}, "between 1 and 180"), ({"min_cluster_size": 1}, "at least 2 points"),
])
def test_bad_settings_are_user_errors(kwargs, message):
    X, _ = blobs()
    with pytest.raises(ClusteringError, match=message) as info:
        Clusterer(**kwargs).fit(X)
    assert isinstance(info.value, UserError) and isinstance(info.value, ValueError)


def test_nan_input_is_refused_with_a_sentence():
    X, _ = blobs()
    X[3, 1] = np.nan
    with pytest.raises(DataError, match="cannot be clustered"):
        Clusterer("kmeans", n_clusters=3).fit(X)


def test_cluster_map_spaces_and_defaults():
    X, truth = blobs(dim=20)
    coords = X[:, :3] @ np.array([[1.0, 0], [0, 1], [-1, -1]])  # a 2-D "map" that still separates the blobs
    texts = [f"item {i}" for i in range(len(X))]
    on_map = cluster_map(X, coords, texts, ClusterSpec("hdbscan", "map", min_cluster_size=10))
    assert "2D map" in on_map.note and adjusted_rand_score(truth, on_map.labels) > 0.95
    space, note = clustering_space(X, coords, ClusterSpec("hdbscan", "vectors"))
    assert space.shape == (180, 10) and "principal components" in note  # never density on raw high-D vectors
    space, _ = clustering_space(X, coords, ClusterSpec("kmeans", "vectors"), metric="cosine")
    np.testing.assert_allclose(np.linalg.norm(space, axis=1), 1.0, rtol=1e-5)
    with pytest.raises(DataError, match="Unknown clustering space"):
        clustering_space(X, coords, ClusterSpec(space="galaxy"))
    assert auto_min_cluster_size(2756) == 27 and auto_min_cluster_size(100) == 5


def test_agglomerative_on_vectors_reuses_the_shared_graph(monkeypatch):
    from core.maps import clustering

    X, truth = blobs(dim=8)
    graph = build_knn_graph(X, 16, metric="euclidean")
    monkeypatch.setattr(clustering, "knn_connectivity", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    result = cluster_map(X, X[:, :2], [str(i) for i in range(180)], ClusterSpec("agglomerative", "vectors", n_clusters=3),
                         metric="euclidean", graph=graph)
    assert adjusted_rand_score(truth, result.labels) == pytest.approx(1.0)


def test_centres_are_medians_and_skip_noise():
    coords = np.array([[0.0, 0], [2, 0], [10, 10], [5, 5]])
    centres = cluster_centres(coords, np.array([0, 0, 1, NOISE]))
    assert set(centres) == {0, 1}
    np.testing.assert_allclose(centres[0], [1, 0])


def test_label_positions_skip_labels_that_would_overlap():
    from core.maps.clusters import ClusterResult, label_positions

    coords = np.array([[0.0, 0], [0.1, 0], [0.05, 0.01], [10, 10], [10.2, 10], [0, 10]])
    labels = np.array([0, 0, 1, 2, 2, 3])
    table = pd.DataFrame({"cluster": [0, 1, 2, 3], "label": ["0: a", "1: b", "2: c", "3: d"]})
    result = ClusterResult(ClusterSpec(), labels, labels.astype(str), {}, table, {}, len(labels))
    kept = label_positions(coords, result)
    assert list(kept) == ["0: a", "2: c", "3: d"]  # 1 sits on top of 0, the larger cluster
    np.testing.assert_allclose(kept["2: c"], [10.1, 10])


def _result_for(labels: np.ndarray, names: list[str]):
    from core.maps.clusters import ClusterResult

    table = pd.DataFrame({"cluster": range(len(names)), "label": names})
    return ClusterResult(ClusterSpec(), labels, labels.astype(str), {}, table, {}, len(labels))


def test_labels_of_close_clusters_are_moved_apart_not_stacked():
    from core.maps.clusters import label_positions
    from core.maps.label_layout import label_box, label_size, overlaps

    rng = np.random.default_rng(0)
    centres = np.array([[5.0, 5.0], [5.3, 5.1], [4.8, 4.9], [5.1, 4.8], [0.0, 0.0], [10.0, 10.0]])
    labels = np.repeat(np.arange(6), 50)
    coords = centres[labels] + rng.normal(scale=[0.3, 1.0], size=(300, 2))
    names = [f"{c}: asylum, seekers, detention" for c in range(6)]
    placed = label_positions(coords, _result_for(labels, names))
    span = np.ptp(coords, axis=0)
    boxes = [label_box(p, label_size(t, span)) for t, p in placed.items()]
    assert len(placed) >= 5  # the close ones moved up or down, not dropped
    assert not any(overlaps(b, boxes[:i]) for i, b in enumerate(boxes))
    for text, p in placed.items():  # each label stays on its own cluster's band of heights
        ys = coords[labels == int(text.split(":")[0]), 1]
        assert np.quantile(ys, 0.1) - 1e-9 <= p[1] <= np.quantile(ys, 0.9) + 1e-9


def test_long_labels_are_cut_at_a_whole_word():
    from core.maps.clusters import label_positions
    from core.maps.label_layout import ELLIPSIS, short_label

    name = "8: asylum, seekers, virus, detention, boats, minister, immigration"
    cut = short_label(name, limit=24)
    assert cut == "8: asylum, seekers…" and len(cut) <= 24
    words = lambda text: {w.strip(",") for w in text.removesuffix(ELLIPSIS).split()}
    assert words(cut) <= words(name)
    assert short_label("3: goal, match") == "3: goal, match"
    assert short_label("x" * 50, limit=10) == "x" * 9 + ELLIPSIS  # one endless word: cut where it must be
    placed = label_positions(np.array([[0.0, 0], [1, 1]]), _result_for(np.array([0, 0]), [name * 2]))
    assert all(t.endswith(ELLIPSIS) and words(t) <= words(name * 2) for t in placed)


def tsne_like_map(n_per: int = 400, gap: float = 0.05, island: int = 30, seed: int = 0):
    """Six uniform discs touching through thin gaps, and a small far island: a t-SNE map's shape
    (even density, no valleys between neighbouring groups), on which HDBSCAN keeps the six as one."""
    rng = np.random.default_rng(seed)
    parts, labels = [], []
    for i, (radius, centre, n) in enumerate([(1.0, ((i % 3) * (2 + gap), (i // 3) * (2 + gap)), n_per)
                                             for i in range(6)] + [(0.3, (12.0, 12.0), island)]):
        r, a = radius * np.sqrt(rng.uniform(size=n)), rng.uniform(0, 2 * np.pi, n)
        parts.append(np.c_[r * np.cos(a) + centre[0], r * np.sin(a) + centre[1]])
        labels += [i] * n
    return np.vstack(parts).astype(np.float32), np.array(labels)


def test_default_clusters_of_a_tsne_like_map_are_useful():
    coords, truth = tsne_like_map()
    texts = [f"item {i}" for i in range(len(coords))]
    result = cluster_map(coords, coords, texts, ClusterSpec())
    assert result.n_clusters >= 7
    assert np.bincount(result.labels[result.labels >= 0]).max() <= 0.8 * len(coords)
    assert adjusted_rand_score(truth, result.labels) > 0.9
    assert "split with KMeans" in result.advice and result.silhouette_by_k


def test_a_chosen_cluster_size_is_kept_with_advice_on_what_to_change():
    coords, _ = tsne_like_map()
    result = cluster_map(coords, coords, ["x"] * len(coords), ClusterSpec(min_cluster_size=24))
    assert result.n_clusters == 2 and "Lower 'Smallest cluster'" in result.advice


def test_clusters_that_say_something_come_without_advice():
    X, _ = blobs(dim=20)
    result = cluster_map(X, X[:, :2], [f"item {i}" for i in range(len(X))], ClusterSpec(min_cluster_size=10))
    assert result.advice == ""


def test_suggested_k_looks_past_twelve_as_the_data_grows():
    from sklearn.datasets import make_blobs

    X, truth = make_blobs(4_000, n_features=10, centers=40, random_state=0)
    fitted = Clusterer("kmeans").fit(X.astype(np.float32))
    assert abs(fitted.n_clusters_ - 40) <= 2 and adjusted_rand_score(truth, fitted.labels_) > 0.95
    assert max(fitted.silhouette_by_k_) == max_suggested_k(4_000) == 45
    assert max_suggested_k(150) == 12 and max_suggested_k(10**6) == 50  # at least 12, at most 50 candidates
    ks = candidate_ks(2, 50)
    assert ks[:19] == list(range(2, 21)) and ks[-1] == 50 and len(ks) < 35 and ks == sorted(set(ks))


def test_hdbscan_on_a_linear_map_clusters_the_vectors_instead():
    from sklearn.datasets import make_blobs
    from sklearn.decomposition import PCA

    X, truth = make_blobs(1_200, n_features=30, centers=8, random_state=3)
    X = X.astype(np.float32)
    pca = PCA(2, random_state=0).fit_transform(X).astype(np.float32)
    assert is_linear_map(X, pca) and not is_linear_map(X, np.tanh(pca / pca.std()))
    result = cluster_map(X, pca, ["t"] * len(X), ClusterSpec())
    assert "linear (PCA)" in result.advice and "30-dimensional vectors" in result.note
    assert adjusted_rand_score(truth, result.labels) > 0.95
    chosen = cluster_map(X, pca, ["t"] * len(X), ClusterSpec(min_cluster_size=12))  # density on the map, as asked
    assert "2D map" in chosen.note and "linear" not in chosen.advice


def test_a_large_cluster_of_small_groups_is_found_again_with_smaller_clusters():
    rng = np.random.default_rng(0)
    centres = [(2.0 * i, 2.0 * j) for i in range(10) for j in range(6)] + [(60.0, 0.0), (0.0, 60.0)]
    truth = np.repeat(np.arange(len(centres)), [20] * 60 + [500, 500])  # 60 groups of 20 hold 55% of the points
    X = (np.asarray(centres)[truth] + rng.normal(scale=0.25, size=(len(truth), 2))).astype(np.float32)
    result = cluster_map(X, X, ["t"] * len(X), ClusterSpec())  # the automatic smallest cluster is 22 points
    assert result.n_clusters == 62 and adjusted_rand_score(truth, result.labels) > 0.99
    assert "lowered to 11" in result.advice
