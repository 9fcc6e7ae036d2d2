"""Every export reopens: CSV, Parquet, standalone HTML, TensorFlow Projector files."""
from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from core.data.csv_safety import to_csv_bytes
from core.data.loaders import load_projector_tsv
from core.maps.clusters import ClusterSpec, cluster_map
from core.maps.export import (
    export_frame,
    projector_tsv,
    projector_zip,
    standalone_html,
    to_parquet_bytes,
)
from core.maps.faithfulness import faithfulness
from core.maps.figure import build_scatter
from core.maps.knn import build_knn_graph

TRICKY = ["nan", "null", "None", "tab\there", "line\nbreak", "<b>bold</b> & \"quotes\"", "naïve café", "NA"]


@pytest.fixture(scope="module")
def mapped():
    rng = np.random.default_rng(0)
    n = 40
    vectors = rng.normal(size=(n, 6)).astype(np.float32)
    frame = pd.DataFrame({"text": [TRICKY[i % len(TRICKY)] + f" {i}" for i in range(n)],
                          "topic": rng.choice(["a", "b"], n), "score": rng.random(n),
                          "mixed": [1 if i % 2 else "one" for i in range(n)], "x": np.arange(n)})
    coords = vectors[:, :2].copy()
    clusters = cluster_map(vectors, coords, frame["text"].tolist(), ClusterSpec("kmeans", "vectors", n_clusters=3))
    faith = faithfulness(vectors, coords, build_knn_graph(vectors, 16))
    return vectors, frame, coords, clusters, faith


def test_export_frame_columns(mapped):
    vectors, frame, coords, clusters, faith = mapped
    out = export_frame(frame, coords, clusters=clusters, faith=faith)
    assert list(out.columns[:6]) == ["x", "y", "cluster", "cluster_label", "knn_preservation", "trustworthiness"]
    assert "data_x" in out.columns  # the data's own "x" does not overwrite the map's
    np.testing.assert_allclose(out[["x", "y"]].to_numpy(), coords, rtol=1e-6)
    assert list(out["text"]) == list(frame["text"])


def test_csv_reopens(mapped):
    vectors, frame, coords, clusters, faith = mapped
    out = export_frame(frame, coords, clusters=clusters, faith=faith)
    back = pd.read_csv(io.BytesIO(to_csv_bytes(out)), keep_default_na=False)
    assert list(back.columns) == list(out.columns) and len(back) == 40
    np.testing.assert_allclose(back[["x", "y"]].to_numpy(), coords, rtol=1e-6)
    assert list(back["text"]) == list(frame["text"])  # "nan", "null", tabs and new lines survive
    np.testing.assert_array_equal(back["cluster"], clusters.labels)


def test_parquet_reopens(mapped):
    vectors, frame, coords, clusters, faith = mapped
    out = export_frame(frame, coords, clusters=clusters, faith=faith)
    back = pd.read_parquet(io.BytesIO(to_parquet_bytes(out)))
    assert list(back.columns) == list(out.columns)
    np.testing.assert_array_equal(back[["x", "y"]].to_numpy(), out[["x", "y"]].to_numpy())
    assert list(back["text"]) == list(frame["text"]) and list(back["mixed"][:2]) == ["one", "1"]
    np.testing.assert_allclose(back["knn_preservation"], faith.preservation)


def test_html_is_standalone_and_holds_the_data(mapped):
    vectors, frame, coords, clusters, faith = mapped
    fig = build_scatter(coords, frame.assign(cluster=clusters.names), text_column="text", color="cluster",
                        labels={"0: a": coords[0]})
    page = standalone_html(fig, title="My <map>")
    assert page.lower().startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<title>My &lt;map&gt;</title>" in page
    assert not re.search(r"<script[^>]*\bsrc=", page)  # plotly.js is inlined: it opens offline
    assert not re.search(r"<link[^>]*\bhref=\"https?:", page)
    assert len(page) > 1_000_000  # plotly.js itself
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)  # JSON escapes
    assert "naïve café 6" in text and "&lt;b&gt;bold&lt;/b&gt;" in text  # hover texts, HTML-escaped
    assert str(clusters.names[0]) in text and "0: a" in text


def test_projector_files_reload_through_the_loader(mapped):
    vectors, frame, coords, clusters, faith = mapped
    meta = frame.assign(cluster=clusters.names)
    vectors_tsv, metadata_tsv = projector_tsv(vectors, meta, "text")
    assert metadata_tsv.decode().splitlines()[0].split("\t") == ["text", "topic", "score", "mixed", "x", "cluster"]
    back = load_projector_tsv(vectors_tsv, metadata_tsv, name="export")
    assert len(back) == 40 and back.text_column == "text"
    np.testing.assert_allclose(back.vectors, vectors, rtol=1e-5)
    expected = [" ".join(t.replace("\t", " ").splitlines()) for t in frame["text"]]
    assert list(back.frame["text"]) == expected  # tabs and new lines become spaces; "nan" stays a word
    assert list(back.frame["cluster"]) == list(clusters.names)


def test_single_column_metadata_has_no_header():
    vectors_tsv, metadata_tsv = projector_tsv(np.eye(3), pd.DataFrame({"word": ["nan", "null", "b"]}), "word")
    assert metadata_tsv.decode() == "nan\nnull\nb\n"
    back = load_projector_tsv(vectors_tsv, metadata_tsv, name="w")
    assert list(back.frame[back.text_column]) == ["nan", "null", "b"]


def test_projector_zip_holds_both_files(mapped):
    vectors, frame, *_ = mapped
    with zipfile.ZipFile(io.BytesIO(projector_zip(vectors, frame, "text"))) as archive:
        assert sorted(archive.namelist()) == ["metadata.tsv", "vectors.tsv"]
        back = load_projector_tsv(archive.read("vectors.tsv"), archive.read("metadata.tsv"), name="zip")
    assert back.vectors.shape == (40, 6)
