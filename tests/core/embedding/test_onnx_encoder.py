"""The ONNX MiniLM: built once per machine, atomically; fp32 equals sentence-transformers; int8 keeps the space."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import core  # noqa: F401 - sets the Hugging Face offline switches
from core.bench.first_map import knn_overlap
from core.embedding import onnx_encoder
from core.embedding.models import (
    DEFAULT_MODEL,
    MINILM_ONNX_ID,
    MODELS,
    first_load_note,
    model_folder,
    model_title,
    sentence_base,
)
from core.embedding.onnx_encoder import OnnxSentenceEncoder, build, is_built, onnx_path

SENTENCES = ["  A man is playing a guitar.  ", "The new movie is awesome!", "Stocks fell sharply on Monday.",
             "word " * 300]


def _fake_folder(root: Path) -> Path:
    folder = root / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    return folder


def test_default_is_the_int8_onnx_variant_with_its_own_cache_id_and_title():
    spec = MODELS[DEFAULT_MODEL]
    assert DEFAULT_MODEL == "minilm-onnx-int8" and spec.cache_id() == MINILM_ONNX_ID != MODELS["minilm"].cache_id()
    assert "int8 ONNX" in model_title(DEFAULT_MODEL) and model_title("minilm") in spec.description
    assert sentence_base(DEFAULT_MODEL) == "minilm" and sentence_base("glove-6b-50d") == "glove-6b-50d"
    assert model_folder(DEFAULT_MODEL) == model_folder("minilm")  # the long-text window report applies


def test_build_writes_once_under_the_data_folder_and_the_name_follows_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    folder = _fake_folder(tmp_path)
    calls = []
    monkeypatch.setattr(onnx_encoder, "export_onnx", lambda src, target: calls.append(target.write_bytes(b"onnx")))
    assert not is_built(folder, "fp32", "m")
    path = build(folder, "fp32", "m")
    assert path.parent == tmp_path / "data" / "onnx" and path.read_bytes() == b"onnx" and is_built(folder, "fp32", "m")
    assert build(folder, "fp32", "m") == path and len(calls) == 1
    assert list(path.parent.iterdir()) == [path]  # no temporary files left
    onnx_encoder.folder_hash.cache_clear()
    (folder / "config.json").write_text('{"changed": true}', encoding="utf-8")
    assert onnx_path(folder, "fp32", "m") != path and onnx_path(folder, "int8", "m") != onnx_path(folder, "fp32", "m")


def test_a_failed_export_leaves_nothing_half_written(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    folder = _fake_folder(tmp_path)

    def broken(src: Path, target: Path) -> None:
        target.write_bytes(b"half")
        raise RuntimeError("export failed")

    monkeypatch.setattr(onnx_encoder, "export_onnx", broken)
    with pytest.raises(RuntimeError):
        build(folder, "fp32", "m")
    assert not is_built(folder, "fp32", "m") and list((tmp_path / "data" / "onnx").iterdir()) == []


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One data folder for the slow tests, so each variant is exported once."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EE_DATA_DIR", str(tmp_path_factory.mktemp("onnx-data")))
        yield


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_folder("minilm")))


@pytest.mark.slow  # exports MiniLM
def test_fp32_onnx_equals_sentence_transformers(data_dir, reference):
    ours = OnnxSentenceEncoder(model_folder("minilm"), "fp32", "minilm-onnx-fp32-test").encode(SENTENCES, batch_size=2)
    np.testing.assert_allclose(ours, reference.encode(SENTENCES), atol=1e-4)
    assert ours.shape == (len(SENTENCES), 384)


@pytest.mark.slow  # exports and quantises MiniLM, encodes 200 sentences twice
def test_int8_keeps_the_space_and_the_second_load_reuses_the_file(data_dir, reference, monkeypatch):
    from core.data.builtins import lee_sentences

    assert first_load_note(DEFAULT_MODEL) is not None
    texts = lee_sentences().texts[:200]
    fp32 = reference.encode(texts)
    first = MODELS[DEFAULT_MODEL].factory()
    int8 = first.encode(texts)
    assert first_load_note(DEFAULT_MODEL) is None
    cosine = (fp32 * int8).sum(axis=1)
    assert cosine.mean() >= 0.99 and knn_overlap(fp32, int8) >= 0.9
    assert not np.allclose(fp32, int8, atol=1e-3)  # really quantised

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_encoder, "export_onnx", no_export)
    np.testing.assert_array_equal(MODELS[DEFAULT_MODEL].factory().encode(texts[:8]), first.encode(texts[:8]))
