"""The whole map in one call, and `python -m core map` writing every export."""
from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd

from core.cli.commands import main
from core.data.loaders import load_projector_tsv
from core.maps.clusters import ClusterSpec
from core.maps.pipeline import build_map
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
