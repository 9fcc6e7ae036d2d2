"""Tests for core.maps.projection: PCA / t-SNE / UMAP behind the sklearn contract, quality, validation, disk cache."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from threadpoolctl import threadpool_limits

from core.errors import DataError
from core.maps.projection import (
    ProjectionParams,
    is_cached,
    project,
    projection_cache_path,
    trustworthiness_score,
)
from core.maps.projector import Projector

N_PER_BLOB, N_BLOBS, DIM = 50, 3, 20


def make_blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """150 points in 3 tight, well separated Gaussian blobs in 20-D (centres in different directions)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(N_BLOBS, DIM)) * 8
    labels = np.repeat(np.arange(N_BLOBS), N_PER_BLOB)
    X = centres[labels] + rng.normal(size=(len(labels), DIM))
    return X.astype(np.float32), labels


@pytest.fixture(scope="module")
def blobs():
    return make_blobs()


def blob_separation(Y: np.ndarray, labels: np.ndarray) -> float:
    """Smallest distance between blob centroids over the largest blob radius (>1: blobs don't overlap)."""
    cents = np.stack([Y[labels == k].mean(axis=0) for k in range(N_BLOBS)])
    radius = max(np.linalg.norm(Y[labels == k] - cents[k], axis=1).max() for k in range(N_BLOBS))
    gaps = [np.linalg.norm(cents[i] - cents[j]) for i in range(N_BLOBS) for j in range(i + 1, N_BLOBS)]
    return min(gaps) / radius


def nearest_centroid_accuracy(Y: np.ndarray, labels: np.ndarray) -> float:
    cents = np.stack([Y[labels == k].mean(axis=0) for k in range(N_BLOBS)])
    predicted = np.argmin(((Y[:, None, :] - cents[None]) ** 2).sum(-1), axis=1)
    return float((predicted == labels).mean())


# ---------------------------------------------------------------- module-scoped fits (UMAP compiles once)


@pytest.fixture(scope="module")
def umap_fits(blobs):
    X, _ = blobs
    return {
        "2d": Projector("umap", n_components=2, n_neighbors=10, random_state=0).fit(X),
        "2d_again": Projector("umap", n_components=2, n_neighbors=10, random_state=0).fit(X),
        "2d_seed1": Projector("umap", n_components=2, n_neighbors=10, random_state=1).fit(X),
        "3d": Projector("umap", n_components=3, n_neighbors=10, random_state=0).fit(X),
    }


@pytest.fixture(scope="module")
def tsne_fits(blobs):
    X, _ = blobs
    # one OpenMP thread: on a busy CI box, spinning OpenMP workers make a 150-point t-SNE take ~40 s instead of 0.5 s
    with threadpool_limits(limits=1, user_api="openmp"):
        return {
            "2d": Projector("tsne", n_components=2, perplexity=20, random_state=0).fit(X),
            "2d_again": Projector("tsne", n_components=2, perplexity=20, random_state=0).fit(X),
            "3d": Projector("tsne", n_components=3, perplexity=20, random_state=0).fit(X),
        }


# ---------------------------------------------------------------- shapes and determinism


@pytest.mark.parametrize("dims", [2, 3])
def test_pca_shape_and_oracle(blobs, dims):
    X, _ = blobs
    Y = Projector("pca", n_components=dims).fit_transform(X)
    assert Y.shape == (150, dims) and Y.dtype == np.float32
    expected = PCA(n_components=dims, random_state=42).fit_transform(X)
    # equal to plain sklearn PCA up to the sign of each axis
    for axis in range(dims):
        sign = np.sign(Y[:, axis] @ expected[:, axis])
        np.testing.assert_allclose(Y[:, axis], sign * expected[:, axis], rtol=1e-3, atol=1e-3)


def test_pca_deterministic(blobs):
    X, _ = blobs
    np.testing.assert_array_equal(Projector("pca").fit_transform(X), Projector("pca").fit_transform(X))


@pytest.mark.slow
@pytest.mark.parametrize("key,dims", [("2d", 2), ("3d", 3)])
def test_umap_shape(umap_fits, key, dims):
    Y = umap_fits[key].embedding_
    assert Y.shape == (150, dims) and Y.dtype == np.float32 and np.isfinite(Y).all()


@pytest.mark.slow
def test_umap_same_seed_identical_different_seed_differs(umap_fits):
    np.testing.assert_array_equal(umap_fits["2d"].embedding_, umap_fits["2d_again"].embedding_)
    assert not np.allclose(umap_fits["2d"].embedding_, umap_fits["2d_seed1"].embedding_)


@pytest.mark.slow
@pytest.mark.parametrize("key,dims", [("2d", 2), ("3d", 3)])
def test_tsne_shape(tsne_fits, key, dims):
    Y = tsne_fits[key].embedding_
    assert Y.shape == (150, dims) and Y.dtype == np.float32 and np.isfinite(Y).all()


@pytest.mark.slow
def test_tsne_deterministic(tsne_fits):
    np.testing.assert_array_equal(tsne_fits["2d"].embedding_, tsne_fits["2d_again"].embedding_)


@pytest.mark.slow
def test_small_data_clamps_neighbors_and_perplexity():
    """Defaults (n_neighbors=15, perplexity=30) are larger than 8 points allow; they are clamped."""
    X = make_blobs()[0][::19][:8]
    with threadpool_limits(limits=1, user_api="openmp"):
        assert Projector("tsne").fit_transform(X).shape == (8, 2)
    umap_fit = Projector("umap").fit(X)
    assert umap_fit.embedding_.shape == (8, 2)
    assert umap_fit.reducer_.n_neighbors == 7


# ---------------------------------------------------------------- quality


def test_pca_trustworthy_on_clusters(blobs):
    X, labels = blobs
    Y = Projector("pca").fit_transform(X)
    assert trustworthiness_score(X, Y, metric="euclidean") > 0.9
    assert blob_separation(Y, labels) > 1


@pytest.mark.slow
def test_umap_trustworthy_on_clusters(blobs, umap_fits):
    X, labels = blobs
    for key in ("2d", "3d"):
        Y = umap_fits[key].embedding_
        assert trustworthiness_score(X, Y) > 0.9
        assert nearest_centroid_accuracy(Y, labels) == 1.0


@pytest.mark.slow
def test_tsne_keeps_clusters(blobs, tsne_fits):
    X, labels = blobs
    Y = tsne_fits["2d"].embedding_
    assert trustworthiness_score(X, Y) > 0.9
    assert nearest_centroid_accuracy(Y, labels) == 1.0


def test_trustworthiness_matches_sklearn():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 6))
    Y = X[:, :2] + rng.normal(scale=0.5, size=(40, 2))
    for metric in ("euclidean", "cosine"):
        ours = trustworthiness_score(X, Y, k=5, metric=metric)
        assert ours == pytest.approx(trustworthiness(X, Y, n_neighbors=5, metric=metric), abs=1e-12)
    # k is clamped below n/2 as sklearn requires: n=10, k=10 -> 4
    assert trustworthiness_score(X[:10], Y[:10], k=10, metric="euclidean") == pytest.approx(
        trustworthiness(X[:10], Y[:10], n_neighbors=4, metric="euclidean"), abs=1e-12)


def test_trustworthiness_extremes_and_sampling():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 5))
    assert trustworthiness_score(X, X.copy(), metric="euclidean") == pytest.approx(1.0)
    assert trustworthiness_score(X, rng.normal(size=(300, 2)), metric="euclidean") < 0.7
    # above `sample` rows a seeded random subset is scored: reproducible, and equal to scoring that subset
    idx = np.random.default_rng(0).choice(300, 100, replace=False)
    Y = X[:, :2]
    sampled = trustworthiness_score(X, Y, sample=100, metric="euclidean")
    assert sampled == pytest.approx(trustworthiness(X[idx], Y[idx], n_neighbors=10, metric="euclidean"))
    assert sampled == trustworthiness_score(X, Y, sample=100, metric="euclidean")


# ---------------------------------------------------------------- sklearn contract


def test_get_set_params_and_clone():
    p = Projector("tsne", n_components=3, perplexity=12.0, metric="euclidean", random_state=7)
    params = p.get_params()
    assert params == {"method": "tsne", "n_components": 3, "n_neighbors": 15, "min_dist": 0.1,
                      "perplexity": 12.0, "metric": "euclidean", "random_state": 7}
    assert set(params) == set(ProjectionParams.__dataclass_fields__)
    assert p.set_params(method="pca", n_components=2) is p
    assert (p.method, p.n_components) == ("pca", 2)
    twin = clone(p)
    assert twin is not p and twin.get_params() == p.get_params()
    assert not hasattr(twin, "embedding_")
    with pytest.raises(ValueError):
        p.set_params(not_a_param=1)


def test_fit_returns_self_and_sets_embedding(blobs):
    X, _ = blobs
    p = Projector("pca")
    assert p.fit(X) is p
    assert p.embedding_.shape == (150, 2)
    np.testing.assert_array_equal(p.fit_transform(X), p.embedding_)
    fitted_clone = clone(p)  # clone drops fitted state
    assert not hasattr(fitted_clone, "embedding_")


def test_pca_transform(blobs):
    X, _ = blobs
    p = Projector("pca").fit(X)
    np.testing.assert_allclose(p.transform(X), p.embedding_, rtol=1e-4, atol=1e-4)
    assert p.transform(X[:7]).shape == (7, 2)


@pytest.mark.slow
def test_umap_transform_places_new_points_near_their_blob(blobs, umap_fits):
    X, labels = blobs
    fitted = umap_fits["2d"]
    new, new_labels = make_blobs(seed=0)  # same centres ...
    rng = np.random.default_rng(9)
    new = new[::10] + rng.normal(scale=0.1, size=new[::10].shape).astype(np.float32)  # ... slightly moved
    new_labels = new_labels[::10]
    placed = fitted.transform(new)
    assert placed.shape == (15, 2) and placed.dtype == np.float32
    cents = np.stack([fitted.embedding_[labels == k].mean(axis=0) for k in range(N_BLOBS)])
    assert (np.argmin(((placed[:, None] - cents[None]) ** 2).sum(-1), axis=1) == new_labels).all()


@pytest.mark.slow
def test_tsne_transform_raises(blobs, tsne_fits):
    with pytest.raises(DataError, match="t-SNE cannot place new points"):
        tsne_fits["2d"].transform(blobs[0][:5])


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("method", ["pca", "tsne", "umap"])
def test_too_few_rows(method):
    with pytest.raises(DataError, match="at least 5 vectors; this data has 4"):
        Projector(method).fit(np.random.default_rng(0).normal(size=(4, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_input(bad):
    X = np.random.default_rng(0).normal(size=(10, 3))
    X[4, 1] = bad
    with pytest.raises(DataError, match="NaN or inf"):
        Projector("pca").fit(X)


def test_unknown_method_and_bad_dims():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(DataError, match="Unknown projection 'mds'"):
        Projector("mds").fit(X)
    with pytest.raises(DataError, match="2 or 3"):
        Projector("pca", n_components=4).fit(X)
    with pytest.raises(DataError):
        Projector("pca").fit(np.arange(10.0))  # 1-D
    with pytest.raises(DataError):
        project(X[:3], ProjectionParams(method="pca"), use_cache=False)


# ---------------------------------------------------------------- project() and its disk cache


def test_project_caches_on_disk(blobs, data_dir, monkeypatch):
    X, _ = blobs
    params = ProjectionParams(method="pca", n_components=3)
    assert not is_cached(X, params)
    first = project(X, params)
    path = projection_cache_path(X, params)
    assert path.parent == data_dir / "projections" and path.exists()
    assert is_cached(X, params)
    np.testing.assert_array_equal(np.load(path), first)
    assert not list(path.parent.glob("*.tmp.npy"))  # the temporary file was renamed away

    def refuse(self, X, y=None, **kwargs):
        raise AssertionError("project() refitted although the result was cached")

    monkeypatch.setattr(Projector, "fit", refuse)
    second = project(X, params)
    np.testing.assert_array_equal(second, first)
    assert second.shape == (150, 3)
    # other parameters or other vectors are not served from this entry
    assert not is_cached(X, ProjectionParams(method="pca", n_components=2))
    assert not is_cached(X[:-1], params)
    with pytest.raises(AssertionError, match="refitted"):
        project(X, params, use_cache=False)


def test_project_without_cache_writes_nothing(blobs, data_dir):
    X, _ = blobs
    coords = project(X, ProjectionParams(method="pca"), use_cache=False)
    assert coords.shape == (150, 2)
    assert not list(data_dir.rglob("*.npy"))
    assert not is_cached(X, ProjectionParams(method="pca"))


def test_project_cache_key_depends_on_values_and_params(blobs, data_dir):
    X, _ = blobs
    base = projection_cache_path(X, ProjectionParams(method="pca"))
    assert base == projection_cache_path(X.copy(), ProjectionParams(method="pca"))
    Y = X.copy()
    Y[0, 0] += 1
    assert projection_cache_path(Y, ProjectionParams(method="pca")) != base
    assert projection_cache_path(X, ProjectionParams(method="pca", random_state=1)) != base
    assert projection_cache_path(X.astype(np.float64), ProjectionParams(method="pca")) != base


def test_project_params_match_projector(blobs, data_dir):
    """ProjectionParams and Projector share their parameter names, so project() forwards them all."""
    X, _ = blobs
    coords = project(X, ProjectionParams(method="pca", n_components=3, random_state=5))
    np.testing.assert_array_equal(coords, Projector("pca", n_components=3, random_state=5).fit_transform(X))


def test_methods_and_metrics_constants():
    from core.maps import settings

    assert settings.METHODS == ("umap", "tsne", "pca") and "cosine" in settings.METRICS


def test_a_cancelled_tsne_stops_within_a_few_iterations():
    """t-SNE looks at the cancel flag every few iterations, not only when its hundreds of iterations end."""
    import threading

    from core.errors import Cancelled
    from core.maps import projection, tsne

    X = np.random.default_rng(0).normal(size=(300, 10)).astype(np.float32)
    cancel, looks = threading.Event(), []
    real = tsne._tsne

    def counting_tsne(*args):
        reducer = real(*args)
        stop = reducer.params["callbacks"]
        reducer.params["callbacks"] = lambda *a: looks.append(1) or (cancel.set() or stop(*a))
        return reducer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tsne, "_tsne", counting_tsne)
        with pytest.raises(Cancelled):
            projection.fit_projection(X, ProjectionParams(method="tsne", perplexity=10.0), cancel=cancel)
    assert len(looks) == 1  # stopped at its first look, 10 iterations in (of 750)
