"""Tests for the command line (`python -m core`), run as a real subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]

TEXTS = [
    "The cat sat on the mat.",
    "Dogs are loyal animals.",
    "zzqxj qqxv",  # no GloVe word: excluded and reported
    "Stock markets fell sharply today.",
    "Investors sold their shares.",
    "A kitten played with a ball of wool.",
    "The bank raised interest rates.",
]


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    pd.DataFrame({"text": TEXTS, "topic": ["pets", "pets", "junk", "money", "money", "pets", "money"],
                  "score": range(7)}).to_csv(folder / "small.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def embedded(workdir) -> tuple[Path, Path, subprocess.CompletedProcess]:
    out = workdir / "vectors.npy"
    result = run_cli("embed", workdir / "small.csv", "--model", "glove-6b-50d", "--out", out)
    assert result.returncode == 0, result.stderr
    return out, workdir / "vectors.metadata.parquet", result


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("embed", "project", "bench", "list"):
        assert f"\n    {command} " in result.stdout, command


def test_list():
    result = run_cli("list")
    assert result.returncode == 0
    for name in ("lee-sentences", "digits", "glove-6b-50d", "minilm", "tfidf-lsa", "st:NAME|PATH"):
        assert name in result.stdout


def test_embed_writes_vectors_and_metadata(embedded):
    npy, meta, result = embedded
    vectors = np.load(npy, allow_pickle=False)
    assert vectors.shape == (6, 50) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-5)  # normalised by default
    frame = pd.read_parquet(meta)
    assert list(frame.columns) == ["text", "topic", "score"]
    assert frame["text"].tolist() == [t for t in TEXTS if t != "zzqxj qqxv"]
    assert frame["score"].tolist() == [0, 1, 3, 4, 5, 6]
    assert "1 row(s) excluded: 1 no vector (no known words)." in result.stderr
    assert "6 vectors of dimension 50" in result.stdout
    assert f"metadata -> {meta}" in result.stdout


def test_embed_vectors_match_core(embedded, tmp_path):
    """The CLI writes what core.embedding.encode computes (GloVe mean of known words, unit length)."""
    from core.embedding.cache import EmbeddingCache
    from core.embedding.encode import embed_texts

    npy, meta, _ = embedded
    texts = pd.read_parquet(meta)["text"].tolist()
    expected = embed_texts(texts, "glove-6b-50d", cache=EmbeddingCache(tmp_path / "c.sqlite")).vectors
    np.testing.assert_allclose(np.load(npy), expected, rtol=1e-5, atol=1e-6)


def test_embed_second_run_uses_cache(embedded, workdir):
    result = run_cli("embed", workdir / "small.csv", "--model", "glove-6b-50d", "--out", workdir / "again.npy",
                     "--metadata-out", workdir / "again.parquet", "--no-normalize")
    assert result.returncode == 0, result.stderr
    assert "(7 from cache, 0 encoded)" in result.stdout  # same texts and model as the fixture's run
    raw = np.load(workdir / "again.npy")
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1)
    assert len(pd.read_parquet(workdir / "again.parquet")) == 6


@pytest.mark.parametrize("dims", [2, 3])
def test_project_pca(embedded, workdir, dims):
    npy, meta, _ = embedded
    out = workdir / f"coords{dims}.csv"
    result = run_cli("project", npy, "--metadata", meta, "--method", "pca", "--dims", dims, "--out", out)
    assert result.returncode == 0, result.stderr
    coords = pd.read_csv(out)
    axes = ["x", "y", "z"][:dims]
    assert list(coords.columns) == [*axes, "text", "topic", "score"]
    assert len(coords) == 6
    assert coords[axes].notna().all().all()
    assert coords["text"].tolist() == pd.read_parquet(meta)["text"].tolist()
    from sklearn.decomposition import PCA

    expected = PCA(n_components=dims, random_state=42).fit_transform(np.load(npy))
    for i, axis in enumerate(axes):  # same as plain PCA, up to each axis' sign
        got = coords[axis].to_numpy()
        np.testing.assert_allclose(np.abs(got), np.abs(expected[:, i]), rtol=1e-3, atol=1e-4)
    assert f"6 points projected with pca -> {out}" in result.stdout


def test_project_npy_without_metadata(embedded, workdir):
    npy, _, _ = embedded
    out = workdir / "bare.csv"
    result = run_cli("project", npy, "--method", "pca", "--out", out)
    assert result.returncode == 0, result.stderr
    coords = pd.read_csv(out)
    assert list(coords.columns) == ["x", "y", "label"]
    assert coords["label"].tolist() == [f"row {i}" for i in range(6)]


def test_project_builtin(workdir):
    out = workdir / "digits.parquet"
    result = run_cli("project", "builtin:digits", "--method", "pca", "--metric", "euclidean", "--out", out)
    assert result.returncode == 0, result.stderr
    coords = pd.read_parquet(out)
    assert coords.shape == (1797, 4) and list(coords.columns) == ["x", "y", "label", "digit"]


def test_error_missing_file(workdir):
    result = run_cli("embed", workdir / "does-not-exist.csv", "--model", "glove-6b-50d", "--out", workdir / "o.npy")
    assert_one_line_error(result, "File not found", "does-not-exist.csv")
    assert result.returncode == 2
    assert not (workdir / "o.npy").exists()


def test_error_bad_column(workdir):
    result = run_cli("embed", workdir / "small.csv", "--column", "nope", "--model", "glove-6b-50d",
                     "--out", workdir / "o.npy")
    assert_one_line_error(result, "'nope'", "text, topic, score")


def test_error_corrupt_npy(workdir):
    bad = workdir / "corrupt.npy"
    np.save(bad, np.ones((50, 8), np.float32))
    bad.write_bytes(bad.read_bytes()[:-100])  # truncated: the header promises more data than there is
    result = run_cli("project", bad, "--method", "pca", "--out", workdir / "o.csv")
    assert_one_line_error(result, "corrupt", "damaged")
    assert not (workdir / "o.csv").exists()


# The remaining failures go through core.cli.main in-process (same code path, without a process start each).


def run_main(capsys, *args) -> subprocess.CompletedProcess:
    from core.cli.commands import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def test_error_not_npy(workdir, capsys):
    garbage = workdir / "garbage.npy"
    garbage.write_bytes(b"this is not numpy at all")
    assert_one_line_error(run_main(capsys, "project", garbage, "--method", "pca", "--out", workdir / "o.csv"),
                          "not a NumPy .npy file")


def test_error_unknown_model(workdir, capsys):
    result = run_main(capsys, "embed", workdir / "small.csv", "--model", "nope-model", "--out", workdir / "o.npy")
    assert_one_line_error(result, "Unknown model 'nope-model'")
    assert result.returncode == 2


def test_error_too_few_rows(workdir, capsys):
    few = workdir / "few.npy"
    np.save(few, np.ones((3, 4), np.float32))
    assert_one_line_error(run_main(capsys, "project", few, "--method", "pca", "--out", workdir / "o.csv"),
                          "at least 5 vectors")


def test_unexpected_error_is_one_line(workdir, capsys, monkeypatch):
    from core.cli import commands as cli

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli.MapService, "projection", boom)
    result = run_main(capsys, "project", "builtin:digits", "--method", "pca", "--out", workdir / "o.csv")
    assert_one_line_error(result, "unexpected RuntimeError: disk on fire")
    assert result.returncode == 1


# What `embed` writes for the later steps reads back exactly (TF-IDF: fast, no weights to load).

HOSTILE_TEXTS = ["=SUM(1,2) is a formula", "-5 degrees", "+1 call today", "@channel hi", "\ttab-led words",
                 "\rcarriage-return-led words", 'she said "hello", twice', "commas, inside, a text",
                 "line one\nline two", "plain words about cats"]
NOTES = ["=cmd|' /C calc'!A0", "-x", "@home", "+note", "", "ok", "\r\n", "a,b", '"', "-1.5"]


@pytest.fixture(scope="module")
def hostile_csv(workdir) -> Path:
    """The hostile texts, with a hostile note and a negative number beside each, in a CSV written raw."""
    from core.data.csv_safety import write_csv

    path = workdir / "hostile.csv"
    write_csv(pd.DataFrame({"text": HOSTILE_TEXTS, "note": NOTES, "n": range(-5, 5)}), path, raw=True)
    return path


@pytest.mark.parametrize("csv_asked", [None, "side.csv"], ids=["parquet-by-default", "csv-raw"])
def test_embed_then_map_keeps_every_text_exactly(hostile_csv, tmp_path, capsys, csv_asked):
    vectors, mapped = tmp_path / "v.npy", tmp_path / "m.parquet"
    meta = tmp_path / (csv_asked or "v.metadata.parquet")
    options = ["--metadata-out", meta, "--csv-raw"] if csv_asked else []
    embedded = run_main(capsys, "embed", hostile_csv, "--model", "tfidf-lsa", "--out", vectors, *options)
    assert embedded.returncode == 0, embedded.stderr
    assert f"metadata -> {meta}" in embedded.stdout
    result = run_main(capsys, "map", vectors, "--metadata", meta, "--method", "pca", "--clusters", "none",
                      "--out", mapped)
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(mapped)
    assert frame["text"].tolist() == HOSTILE_TEXTS
    assert frame["note"].tolist() == NOTES
    assert frame["n"].tolist() == list(range(-5, 5))


def test_a_csv_sidecar_asked_for_is_guarded_for_people(hostile_csv, tmp_path, capsys):
    from core.data.csv_safety import GUARD, is_dangerous

    meta = tmp_path / "people.csv"
    result = run_main(capsys, "embed", hostile_csv, "--model", "tfidf-lsa", "--out", tmp_path / "v.npy",
                      "--metadata-out", meta)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "v.metadata.parquet").exists()
    texts = pd.read_csv(meta, keep_default_na=False)["text"].tolist()
    assert texts == [GUARD + t if is_dangerous(t) else t for t in HOSTILE_TEXTS]
    assert texts[0] == "'=SUM(1,2) is a formula"


def test_embed_stores_mixed_type_metadata_in_parquet(tmp_path, capsys):
    source = tmp_path / "mixed.json"
    source.write_text('[{"text": "cats purr softly", "v": 1}, {"text": "dogs bark loudly", "v": "x"}]')
    result = run_main(capsys, "embed", source, "--model", "tfidf-lsa", "--out", tmp_path / "v.npy")
    assert result.returncode == 0, result.stderr
    assert pd.read_parquet(tmp_path / "v.metadata.parquet")["v"].tolist() == ["1", "x"]
