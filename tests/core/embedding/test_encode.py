"""Tests for core.embedding.cache and core.embedding.encode: the on-disk vector cache, cache-aware embedding, exclusions."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.table import Dataset
from core.embedding import encode as embed_mod
from core.embedding.cache import _CHUNK, EmbeddingCache
from core.embedding.encode import (
    attach_precomputed,
    embed_dataset,
    embed_texts,
    l2_normalize,
)
from core.errors import DataError

ROOT = Path(__file__).resolve().parents[3]


# ---------------------------------------------------------------- helpers


def text_vector(text: str, dim: int) -> np.ndarray:
    """A deterministic, text-dependent, non-normalised vector (a hand-checkable oracle)."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    return (np.random.default_rng(seed).normal(size=dim) * 3.0).astype(np.float32)


class CountingEmbedder:
    """Deterministic fake model that records every text it is asked to encode.

    Texts starting with "??" get a NaN row, like GloVe on a text with no known word.
    """

    model_id = "fake-model"

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim
        self.encoded: list[str] = []
        self.calls = 0

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        self.encoded.extend(texts)
        out = np.stack([text_vector(t, self.dim) for t in texts]).astype(np.float32)
        out[[t.startswith("??") for t in texts]] = np.nan
        return out


class Factory:
    """A get_embedder callable that counts how often the model is 'loaded'."""

    def __init__(self, embedder: CountingEmbedder) -> None:
        self.embedder = embedder
        self.loads = 0

    def __call__(self) -> CountingEmbedder:
        self.loads += 1
        return self.embedder


@pytest.fixture
def fake_model(monkeypatch):
    """model_id_for(...) answers the fake's id for any key, so cache keys are salted with it."""
    monkeypatch.setattr(embed_mod, "model_id_for", lambda key, corpus=None: "fake-model")
    embedder = CountingEmbedder()
    return Factory(embedder), embedder


@pytest.fixture
def cache(tmp_path) -> EmbeddingCache:
    return EmbeddingCache(tmp_path / "vectors.sqlite")


# ---------------------------------------------------------------- EmbeddingCache


def test_cache_round_trip(cache):
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 5)).astype(np.float32)
    cache.put_many(["a", "b", "c"], vecs)
    got = cache.get_many(["c", "a", "missing", "b"])
    assert set(got) == {"a", "b", "c"}
    for i, key in enumerate("abc"):
        assert got[key].dtype == np.float32
        np.testing.assert_array_equal(got[key], vecs[i])
    assert len(cache) == 3


def test_cache_converts_float64_to_float32_and_replaces(cache):
    cache.put_many(["k"], np.array([[1.5, 2.5]], dtype=np.float64))
    np.testing.assert_array_equal(cache.get_many(["k"])["k"], np.array([1.5, 2.5], np.float32))
    cache.put_many(["k"], np.array([[7.0, 8.0]]))  # INSERT OR REPLACE: last write wins
    np.testing.assert_array_equal(cache.get_many(["k"])["k"], [7.0, 8.0])
    assert len(cache) == 1


def test_cache_dimension_filter(cache):
    cache.put_many(["two"], np.ones((1, 2)))
    cache.put_many(["three"], np.ones((1, 3)))
    assert set(cache.get_many(["two", "three"], dim=2)) == {"two"}
    assert set(cache.get_many(["two", "three"], dim=3)) == {"three"}
    assert cache.get_many(["two", "three"], dim=4) == {}
    assert set(cache.get_many(["two", "three"])) == {"two", "three"}


def test_cache_empty_inputs(cache):
    assert cache.get_many([]) == {}
    cache.put_many([], np.empty((0, 4), np.float32))
    assert len(cache) == 0


def test_cache_persists_across_instances(tmp_path):
    path = tmp_path / "sub" / "dir" / "c.sqlite"  # parent folders are created
    EmbeddingCache(path).put_many(["x", "y"], np.array([[1, 2], [3, 4]], np.float32))
    again = EmbeddingCache(path)
    assert len(again) == 2
    np.testing.assert_array_equal(again.get_many(["y"])["y"], [3, 4])


def test_cache_persists_across_processes(tmp_path):
    path = tmp_path / "c.sqlite"
    EmbeddingCache(path).put_many(["alpha"], np.array([[0.25, -1.0, 4.0]], np.float32))
    code = ("import sys; from core.embedding.cache import EmbeddingCache; "
            "c = EmbeddingCache(sys.argv[1]); v = c.get_many(['alpha', 'beta']); "
            "print(len(c), sorted(v), v['alpha'].tolist())")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=os.environ.copy())
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1 ['alpha'] [0.25, -1.0, 4.0]"


def test_cache_chunks_past_sqlite_parameter_limit(cache):
    n = 2 * _CHUNK + 37  # three chunks, the last one partial
    keys = [f"key-{i}" for i in range(n)]
    vecs = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    cache.put_many(keys, vecs)
    assert len(cache) == n
    got = cache.get_many(keys + ["absent"])
    assert len(got) == n
    for i in (0, _CHUNK - 1, _CHUNK, 2 * _CHUNK, n - 1):
        np.testing.assert_array_equal(got[f"key-{i}"], vecs[i])


def test_default_cache_lives_in_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    assert EmbeddingCache().path == tmp_path / "data" / "embeddings.sqlite"
    assert (tmp_path / "data" / "embeddings.sqlite").exists()


# ---------------------------------------------------------------- l2_normalize


def test_l2_normalize_leaves_zero_and_nan_rows():
    x = np.array([[3, 4], [0, 0], [np.nan, 1]], np.float32)
    out = l2_normalize(x)
    np.testing.assert_allclose(out[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_array_equal(out[1], [0, 0])
    assert np.isnan(out[2, 0]) and out[2, 1] == 1


# ---------------------------------------------------------------- embed_texts


def test_first_call_encodes_all_unique_texts(fake_model, cache):
    factory, emb = fake_model
    texts = ["one", "two", "three"]
    result = embed_texts(texts, "any", cache=cache, get_embedder=factory, normalize=False)
    assert factory.loads == 1
    assert sorted(emb.encoded) == sorted(texts)
    assert (result.n_cached, result.n_encoded) == (0, 3)
    assert result.model_id == "fake-model"
    np.testing.assert_array_equal(result.vectors, np.stack([text_vector(t, 8) for t in texts]))
    assert len(cache) == 3, "the cache passed in (even when empty) must receive the vectors"


def test_second_call_is_served_from_cache(fake_model, cache):
    factory, emb = fake_model
    texts = ["one", "two", "three"]
    first = embed_texts(texts, "any", cache=cache, get_embedder=factory)
    emb.encoded.clear()
    second = embed_texts(texts, "any", cache=cache, get_embedder=factory)
    assert factory.loads == 1, "the model must not be loaded when everything is cached"
    assert emb.encoded == []
    assert (second.n_cached, second.n_encoded) == (3, 0)
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_cache_survives_a_new_cache_object(fake_model, tmp_path):
    factory, emb = fake_model
    embed_texts(["a b", "c d"], "any", cache=EmbeddingCache(tmp_path / "c.sqlite"), get_embedder=factory)
    result = embed_texts(["c d", "a b"], "any", cache=EmbeddingCache(tmp_path / "c.sqlite"), get_embedder=factory)
    assert factory.loads == 1
    assert result.n_cached == 2
    np.testing.assert_allclose(result.vectors[0], l2_normalize(text_vector("c d", 8)[None])[0], rtol=1e-6)


def test_partial_hit_encodes_only_new_texts(fake_model, cache):
    factory, emb = fake_model
    embed_texts(["old 1", "old 2"], "any", cache=cache, get_embedder=factory)
    emb.encoded.clear()
    result = embed_texts(["old 1", "new 1", "old 2", "new 2"], "any", cache=cache, get_embedder=factory,
                         normalize=False)
    assert sorted(emb.encoded) == ["new 1", "new 2"]
    assert (result.n_cached, result.n_encoded) == (2, 2)
    expected = np.stack([text_vector(t, 8) for t in ["old 1", "new 1", "old 2", "new 2"]])
    np.testing.assert_array_equal(result.vectors, expected)


def test_duplicates_encoded_once_and_order_kept(fake_model, cache):
    factory, emb = fake_model
    texts = ["b", "a", "b", "c", "a", "b"]
    result = embed_texts(texts, "any", cache=cache, get_embedder=factory, normalize=False)
    assert sorted(emb.encoded) == ["a", "b", "c"]
    assert result.n_encoded == 3
    assert result.vectors.shape == (6, 8)
    for row, text in enumerate(texts):
        np.testing.assert_array_equal(result.vectors[row], text_vector(text, 8))
    again = embed_texts(texts, "any", cache=cache, get_embedder=factory)
    assert again.n_cached == 6  # counted per input row


def test_order_independent_of_encoding_order(fake_model, cache):
    """The encoder sorts texts longest-first internally; output must still follow the input."""
    factory, emb = fake_model
    texts = ["s", "a much longer text here", "mid length", "xx"]
    result = embed_texts(texts, "any", cache=cache, get_embedder=factory, normalize=False)
    assert emb.encoded[0] == "a much longer text here"
    for row, text in enumerate(texts):
        np.testing.assert_array_equal(result.vectors[row], text_vector(text, 8))


def test_chunked_encoding_reports_progress(fake_model, cache):
    factory, emb = fake_model
    texts = [f"text number {i}" for i in range(embed_mod.CHUNK + 10)]
    seen = []
    result = embed_texts(texts, "any", cache=cache, get_embedder=factory, progress=lambda d, t: seen.append((d, t)))
    assert emb.calls == 2
    assert seen == [(embed_mod.CHUNK, len(texts)), (len(texts), len(texts))]
    assert result.vectors.shape == (len(texts), 8)


def test_normalize_gives_unit_rows(fake_model, cache):
    factory, _ = fake_model
    texts = ["x", "y", "z"]
    raw = embed_texts(texts, "any", cache=cache, get_embedder=factory, normalize=False).vectors
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1)
    unit = embed_texts(texts, "any", cache=cache, get_embedder=factory, normalize=True).vectors
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(unit, raw / np.linalg.norm(raw, axis=1, keepdims=True), rtol=1e-5)


def test_nan_rows_reported_by_ok(fake_model, cache):
    factory, _ = fake_model
    result = embed_texts(["fine", "?? unknown", "also fine"], "any", cache=cache, get_embedder=factory)
    np.testing.assert_array_equal(result.ok, [True, False, True])
    assert np.isnan(result.vectors[1]).all()
    np.testing.assert_allclose(np.linalg.norm(result.vectors[[0, 2]], axis=1), 1, rtol=1e-5)
    # NaN rows are cached too, and stay NaN when read back
    again = embed_texts(["?? unknown"], "any", cache=cache, get_embedder=factory)
    assert again.n_cached == 1 and not again.ok.any()


def test_cache_keys_are_salted_with_model_id(monkeypatch, cache):
    ids = iter(["model-a", "model-b"])
    current = {}

    def fake_id(key, corpus=None):
        current["id"] = next(ids)
        return current["id"]

    monkeypatch.setattr(embed_mod, "model_id_for", fake_id)
    factory = Factory(CountingEmbedder())
    embed_texts(["same"], "a", cache=cache, get_embedder=factory)
    result = embed_texts(["same"], "b", cache=cache, get_embedder=factory)
    assert result.n_encoded == 1 and factory.loads == 2
    assert len(cache) == 2


def test_glove_key_with_fake_embedder(cache):
    """Without monkeypatching: the key's model id salts the cache, the factory supplies the model."""
    factory = Factory(CountingEmbedder(dim=50))
    result = embed_texts(["hello world"], "glove-6b-50d", cache=cache, get_embedder=factory, normalize=False)
    assert result.model_id == "glove-6b-50d"
    np.testing.assert_array_equal(result.vectors[0], text_vector("hello world", 50))


def test_empty_text_list(fake_model, cache):
    factory, _ = fake_model
    result = embed_texts([], "any", cache=cache, get_embedder=factory)
    assert len(result.vectors) == 0 and factory.loads == 0


# ---------------------------------------------------------------- embed_dataset with GloVe


def test_embed_dataset_excludes_unembeddable_rows(cache):
    frame = pd.DataFrame({"text": ["the cat sat", "zzqxj qqxv", "dogs bark loudly"], "tag": ["a", "b", "c"]},
                         index=[10, 11, 12])  # integer index = source rows
    dataset = Dataset("t", frame, "text")
    embedded, result = embed_dataset(dataset, "glove-6b-50d", cache=cache)
    np.testing.assert_array_equal(result.ok, [True, False, True])
    assert len(embedded) == 2
    assert embedded.frame["tag"].tolist() == ["a", "c"]
    assert embedded.vectors.shape == (2, 50)
    assert np.isfinite(embedded.vectors).all()
    np.testing.assert_allclose(np.linalg.norm(embedded.vectors, axis=1), 1, rtol=1e-5)
    assert embedded.excluded.rows == [11]
    assert embedded.excluded.reasons == ["no vector (no known words)"]
    np.testing.assert_array_equal(embedded.source_rows, [10, 12])


def test_embed_dataset_all_unembeddable_raises(cache):
    dataset = Dataset("t", pd.DataFrame({"text": ["zzqxj qqxv", "qqxvzz zzqxjq"]}), "text")
    with pytest.raises(DataError, match="None of the texts"):
        embed_dataset(dataset, "glove-6b-50d", cache=cache)


# ---------------------------------------------------------------- attach_precomputed / Dataset.subset


def test_attach_precomputed_drops_nonfinite_rows():
    vecs = np.array([[1, 0], [np.nan, 1], [0, 2], [np.inf, 0], [3, 4]], np.float32)
    frame = pd.DataFrame({"label": list("abcde")})
    out = attach_precomputed(Dataset("v", frame, "label", vectors=vecs))
    assert out.frame["label"].tolist() == ["a", "c", "e"]
    np.testing.assert_array_equal(out.vectors, vecs[[0, 2, 4]])
    assert out.excluded.rows == [1, 3]
    assert out.excluded.reasons == ["NaN or inf in vector"] * 2
    normalized = attach_precomputed(Dataset("v", frame, "label", vectors=vecs), normalize=True)
    np.testing.assert_allclose(normalized.vectors[2], [0.6, 0.8], rtol=1e-6)


def test_attach_precomputed_without_vectors_raises():
    with pytest.raises(DataError, match="no vectors"):
        attach_precomputed(Dataset("v", pd.DataFrame({"text": ["a"]}), "text"))


def test_subset_keeps_source_rows_consistent():
    frame = pd.DataFrame({"text": list("abcdef")})
    ds = Dataset("d", frame, "text", vectors=np.arange(12, dtype=np.float32).reshape(6, 2),
                 images=np.arange(6 * 4, dtype=np.float32).reshape(6, 2, 2))
    np.testing.assert_array_equal(ds.source_rows, np.arange(6))
    first = ds.subset(np.array([1, 0, 1, 1, 0, 1], bool), reason="first")
    np.testing.assert_array_equal(first.source_rows, [0, 2, 3, 5])
    assert first.frame["text"].tolist() == ["a", "c", "d", "f"]
    assert list(first.frame.index) == [0, 1, 2, 3]
    np.testing.assert_array_equal(first.vectors[:, 0], [0, 4, 6, 10])
    np.testing.assert_array_equal(first.images[:, 0, 0], [0, 8, 12, 20])
    # a second subset reports rows of the *source*, not positions in the subset
    second = first.subset(np.array([0, 1, 0, 1], bool), reason="second")
    np.testing.assert_array_equal(second.source_rows, [2, 5])
    assert second.frame["text"].tolist() == ["c", "f"]
    assert list(zip(second.excluded.rows, second.excluded.reasons)) == [
        (1, "first"), (4, "first"), (0, "second"), (3, "second")]
    # the original is untouched
    assert len(ds.excluded) == 0 and len(first.excluded) == 2
    # every source row is either kept or excluded, exactly once
    assert sorted([*second.source_rows, *second.excluded.rows]) == list(range(6))


def test_subset_with_replacement_vectors_and_integer_index():
    frame = pd.DataFrame({"text": ["x", "y", "z"]}, index=[5, 7, 9])
    ds = Dataset("d", frame, "text")
    np.testing.assert_array_equal(ds.source_rows, [5, 7, 9])
    out = ds.subset(np.array([True, False, True]), reason="r", vectors=np.eye(3, dtype=np.float32))
    np.testing.assert_array_equal(out.vectors, [[1, 0, 0], [0, 0, 1]])
    assert out.excluded.rows == [7]
    np.testing.assert_array_equal(out.source_rows, [5, 9])


def test_dataset_validates_inputs():
    with pytest.raises(ValueError):
        Dataset("d", pd.DataFrame({"a": [1]}), "text")
    with pytest.raises(ValueError):
        Dataset("d", pd.DataFrame({"text": ["a", "b"]}), "text", vectors=np.zeros((3, 2)))


def test_embedding_a_dataset_twice_reports_everything_cached(fake_model, cache):
    """The counts are per call: the second embed of the same texts encodes nothing."""
    factory, emb = fake_model
    dataset = Dataset("dups", pd.DataFrame({"text": ["a", "b", "a", "c"]}), "text")
    _, first = embed_dataset(dataset, "any", cache=cache, get_embedder=factory)
    assert (first.n_cached, first.n_encoded) == (0, 3)
    _, again = embed_dataset(dataset, "any", cache=cache, get_embedder=factory)
    assert (again.n_cached, again.n_encoded) == (len(dataset), 0)
