"""A map's clusters and faithfulness are kept on disk: a second service on the same folder computes nothing."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.maps import service as svc
from core.maps.build import build
from core.maps.clusters import ClusterSpec
from core.maps.projection import ProjectionParams


def blobs(n_per: int = 40) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), n_per)
    words = ["apple pear fruit", "rain storm wind", "goal team match"]
    return (np.eye(3, 12)[labels] * 10 + rng.normal(size=(len(labels), 12))).astype(np.float32), \
        [words[c] for c in labels]


def _refuse(*_args, **_kwargs):
    raise AssertionError("computed again")


def test_a_restart_reads_clusters_and_faithfulness_from_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    X, texts = blobs()
    params, spec = ProjectionParams(method="pca"), ClusterSpec("kmeans", "vectors")
    first = build(svc.MapService(), svc.MapData.of(X, texts), params, clusters=spec)
    monkeypatch.setattr(svc, "cluster_map", _refuse)
    monkeypatch.setattr(svc, "measure_faithfulness", _refuse)
    monkeypatch.setattr(svc.MapService, "graph", _refuse)
    again = svc.MapService()
    data = svc.MapData.of(X, texts)
    extras = again.extras(data, again.map_state(data, params), spec)
    kept, computed = extras.clusters, first.clusters
    assert (kept.labels == computed.labels).all() and list(kept.names) == list(computed.names)
    assert kept.keywords == computed.keywords and kept.silhouette_by_k == computed.silhouette_by_k
    assert kept.scores == computed.scores and (kept.n_fit, kept.note, kept.advice, kept.spec) == \
        (computed.n_fit, computed.note, computed.advice, spec)
    pd.testing.assert_frame_equal(kept.table, computed.table)
    assert kept.n_clusters == 3 and extras.faith.k == first.faith.k
    np.testing.assert_array_equal(extras.faith.preservation, first.faith.preservation)
    np.testing.assert_array_equal(extras.faith.trust, first.faith.trust)
    np.testing.assert_array_equal(extras.faith.trust_rows, first.faith.trust_rows)
    assert extras.faith.exact_neighbours == first.faith.exact_neighbours


def test_other_settings_or_texts_are_computed_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    X, texts = blobs()
    params = ProjectionParams(method="pca")
    build(svc.MapService(), svc.MapData.of(X, texts), params, clusters=ClusterSpec("kmeans", "vectors"))
    four = build(svc.MapService(), svc.MapData.of(X, texts), params, clusters=ClusterSpec("kmeans", "vectors", 4))
    assert four.clusters.n_clusters == 4
    renamed = [t.replace("apple", "plum") for t in texts]
    other = build(svc.MapService(), svc.MapData.of(X, renamed), params, clusters=ClusterSpec("kmeans", "vectors"))
    assert any("plum" in words for words in other.clusters.keywords.values())


def test_a_preview_is_drawn_before_its_clusters(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(svc, "cluster_map", _refuse)
    X, texts = blobs()
    service, data = svc.MapService(), svc.MapData.of(X, texts)
    preview = svc.MapState(service.projection(data, ProjectionParams(method="pca")), ProjectionParams(method="pca"),
                           cancelled=True)
    extras = service.extras(data, preview, ClusterSpec())
    assert extras.clusters is None and extras.faith is None and extras.job is None
