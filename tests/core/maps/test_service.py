"""The whole map in one call, and `python -m core map` writing every export."""
from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from core.cli.commands import main
from core.data.loaders import load_projector_tsv
from core.maps.build import build_map
from core.maps.clusters import ClusterSpec
from core.maps.projection import ProjectionParams


def blobs(n_per: int = 60) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    centres = np.eye(3, 12) * 10
    labels = np.repeat(np.arange(3), n_per)
    words = ["apple pear fruit", "rain storm wind", "goal team match"]
    return (centres[labels] + rng.normal(size=(len(labels), 12))).astype(np.float32), [words[c] for c in labels]


def test_build_map_runs_every_step(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    X, texts = blobs()
    run = build_map(X, texts, ProjectionParams(method="pca"), clusters=ClusterSpec("kmeans", "vectors"))
    assert run.coords.shape == (180, 2) and run.graph.k == 16
    assert run.clusters.n_clusters == 3
    assert {tuple(sorted(k[:3])) for k in run.clusters.keywords.values()} == {
        ("apple", "fruit", "pear"), ("rain", "storm", "wind"), ("goal", "match", "team")}
    assert run.faith.trust_mean > 0.8
    assert set(run.timings) == {"knn_graph", "projection", "clusters", "faithfulness"}
    bare = build_map(X, texts, ProjectionParams(method="pca"), clusters=None, with_faithfulness=False)
    assert bare.clusters is None and bare.faith is None


def test_cli_map_writes_table_html_and_projector_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    X, texts = blobs()
    np.save(tmp_path / "vectors.npy", X)
    pd.DataFrame({"text": texts, "row": range(len(texts))}).to_csv(tmp_path / "meta.csv", index=False)
    out = tmp_path / "map.parquet"
    code = main(["map", str(tmp_path / "vectors.npy"), "--metadata", str(tmp_path / "meta.csv"), "--method", "pca",
                 "--clusters", "kmeans", "--space", "vectors", "--k", "3", "--out", str(out),
                 "--html", str(tmp_path / "map.html"), "--projector", str(tmp_path / "map.zip")])
    assert code == 0
    assert "180 points mapped with pca, 3 clusters" in capsys.readouterr().out
    table = pd.read_parquet(out)
    assert {"x", "y", "cluster", "cluster_label", "knn_preservation", "trustworthiness", "text"} <= set(table.columns)
    assert table["cluster"].nunique() == 3
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "Plotly.newPlot" in page
    with zipfile.ZipFile(tmp_path / "map.zip") as archive:
        back = load_projector_tsv(archive.read("vectors.tsv"), archive.read("metadata.tsv"), name="zip")
    assert back.vectors.shape == (180, 12) and "cluster_label" in back.frame.columns


def test_cli_map_without_clusters_to_csv(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    X, _ = blobs(10)
    np.save(tmp_path / "v.npy", X)
    assert main(["map", str(tmp_path / "v.npy"), "--method", "pca", "--clusters", "none",
                 "--out", str(tmp_path / "m.csv")]) == 0
    table = pd.read_csv(tmp_path / "m.csv")
    assert len(table) == 30 and "cluster" not in table.columns


def test_cli_map_bad_input_is_one_line(tmp_path, capsys):
    assert main(["map", str(tmp_path / "missing.npy"), "--out", str(tmp_path / "x.csv")]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def test_build_map_reads_and_writes_the_projection_cache_the_ui_uses(tmp_path, monkeypatch):
    from core.hashing import hash_array
    from core.maps.projection import is_cached, project, projection_cache_path

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    X, texts = blobs()
    params = ProjectionParams(method="pca")
    first = build_map(X, texts, params, clusters=None, with_faithfulness=False)
    assert first.fitted.projector is not None and is_cached(X, params)
    again = build_map(X, texts, params, clusters=None, with_faithfulness=False)
    assert again.fitted.projector is None  # read from disk, not refitted
    np.testing.assert_array_equal(again.coords, first.coords)
    np.testing.assert_array_equal(project(X, params), first.coords)
    assert projection_cache_path(X, params, vectors_hash=hash_array(X)) == projection_cache_path(X, params)


# ---------------------------------------------------------------- the service: memo, keys, jobs, preview policy
MAP_KEY_NAMES = {"knn", "projection", "fitted", "clusters", "faith"}


def _memo_keys_spelled(path) -> list[str]:
    """Tuple keys naming a map step, passed to a memo's get_or_make/put or a job pool's submit/cancel."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("get_or_make", "put", "submit", "cancel") \
                and node.args and isinstance(node.args[0], ast.Tuple) and node.args[0].elts:
            first = node.args[0].elts[0]
            if isinstance(first, ast.Constant) and first.value in MAP_KEY_NAMES or not isinstance(first, ast.Constant):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_map_memo_key_is_spelled_outside_the_map_service():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    files = [p for room in ("core", "components", "pages") for p in (root / room).rglob("*.py")]
    spelled = {str(p.relative_to(root)): keys for p in files if (keys := _memo_keys_spelled(p))}
    assert not spelled, spelled  # the service itself goes through its key functions


def test_the_key_finder_sees_a_hand_spelled_key(tmp_path):
    planted = tmp_path / "x.py"
    planted.write_text("memos['graph'].get_or_make(('knn', h, 'cosine', 16), compute)\n"
                       "pool.submit((h, params), 'label', work)\nmemo.get_or_make(('hover', h), f)\n")
    assert _memo_keys_spelled(planted) == ["x.py:1", "x.py:2"]


def test_each_step_is_computed_once_per_key(tmp_path, monkeypatch):
    from core.maps import service as svc

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    X, texts = blobs()
    data, params = svc.MapData.of(X, texts), ProjectionParams(method="pca")
    calls = []
    real = svc.neighbour_graph
    monkeypatch.setattr(svc, "neighbour_graph", lambda *a, **k: calls.append("graph") or real(*a, **k))
    service = svc.MapService()
    coords = service.projection(data, params)
    assert service.projection(svc.MapData.of(X.copy(), texts), params) is coords  # equal vectors, one entry
    spec = ClusterSpec("kmeans", "vectors")
    assert service.clusters(data, coords, params, spec) is service.clusters(data, coords, params, spec)
    assert service.faithfulness(data, coords, params) is service.faithfulness(data, coords, params)
    assert calls == ["graph"]  # clusters in vector space and faithfulness share one graph
    said = []
    fresh = svc.MapService(use_cache=False)
    fresh.projection(data, ProjectionParams(method="tsne", perplexity=5.0),
                     announce=lambda message: said.append(message) or __import__("contextlib").nullcontext())
    assert said == ["Computing TSNE for 180 points…"]


def test_map_state_previews_while_the_job_runs_and_a_cancelled_job_writes_nothing(tmp_path, monkeypatch):
    import threading

    from core.jobs import check
    from core.maps import service as svc
    from core.maps.projection import FittedMap, is_cached

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    gate, real = threading.Event(), svc.project_map

    def slow(vectors, params, *, cancel=None, **kwargs):
        if params.method != "pca":
            assert gate.wait(60)
            check(cancel)
            return FittedMap(np.ones((len(vectors), 2), np.float32), None, np.arange(len(vectors)))
        return real(vectors, params, cancel=cancel, **kwargs)

    monkeypatch.setattr(svc, "project_map", slow)
    X, texts = blobs()
    data, umap = svc.MapData.of(X, texts), ProjectionParams(method="umap", random_state=3)
    service = svc.MapService()
    first, second = service.map_state(data, umap), service.map_state(data, umap)
    assert first.preview and first.params.method == "pca" and first.job is second.job  # one job for both
    assert service.cancel(data, umap)
    gate.set()
    with pytest.raises(Exception, match="cancelled"):
        first.job.result(timeout=60)
    assert not is_cached(X, umap)
    assert service.map_state(data, umap, cancelled=True).cancelled
    done = service.map_state(data, umap)
    done.job.result(timeout=60)
    ready = service.map_state(data, umap)
    assert not ready.preview and ready.params == umap and (ready.coords == 1).all()


def test_a_job_nobody_waits_for_is_cancelled_and_its_work_stops(tmp_path, monkeypatch):
    """Leaving the page stops the polling; the job is cancelled and its step counter stops growing."""
    import threading
    import time

    from core.jobs import check
    from core.maps import service as svc
    from core.maps.projection import FittedMap

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(svc, "ABANDONED_S", 1.0)
    steps, stopped = [], threading.Event()

    def endless(vectors, params, *, cancel=None, **kwargs):
        if params.method == "pca":
            return FittedMap(np.zeros((len(vectors), 2), np.float32), None, np.arange(len(vectors)))
        try:
            while True:
                steps.append(1)
                check(cancel)
                time.sleep(0.05)
        finally:
            stopped.set()

    monkeypatch.setattr(svc, "project_map", endless)
    X, texts = blobs()
    service = svc.MapService()
    state = service.map_state(svc.MapData.of(X, texts), ProjectionParams(method="tsne"))
    assert state.preview and state.job is not None
    assert stopped.wait(30)  # nobody polled it: cancelled
    counted = len(steps)
    time.sleep(0.3)
    assert len(steps) == counted and state.job.cancelled()


def test_a_large_map_is_drawn_before_its_clusters_and_faithfulness(tmp_path, monkeypatch):
    from core.maps import service as svc

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(svc, "EXTRAS_AT_ONCE", 100)
    X, texts = blobs()
    service, params, spec = svc.MapService(), ProjectionParams(method="pca"), ClusterSpec("kmeans", "vectors")
    data = svc.MapData.of(X, texts)
    state = service.map_state(data, params)
    first = service.extras(data, state, spec)
    assert first.clusters is None and first.faith is None and first.job is not None and first.expected_s > 0
    first.job.result(timeout=120)
    ready = service.extras(data, state, spec)
    assert ready.job is None and ready.clusters.n_clusters == 3 and ready.faith.trust_mean > 0.8
    assert service.extras(data, state, spec, skip=True).clusters is ready.clusters  # known: shown even when skipped
    other = ClusterSpec("kmeans", "vectors", n_clusters=4)
    skipped = service.extras(data, state, other, skip=True)
    assert skipped.skipped and skipped.job is None and skipped.clusters is None
