"""Tests for core.embedding.models: the registry, GloVe, LSA and (slow) MiniLM, all offline."""
from __future__ import annotations

import os

import numpy as np
import pytest

import core  # noqa: F401 - sets the Hugging Face offline switches
from core.data.glove import glove_index, glove_vectors, glove_words
from core.embedding.models import (
    DEFAULT_MODEL,
    MINILM_ID,
    MODELS,
    GloveEmbedder,
    LsaEmbedder,
    ModelSpec,
    create_embedder,
    is_corpus_fitted,
    is_word_vocabulary,
    lsa_model_id,
    model_id_for,
    model_title,
)
from core.errors import ModelLoadError, UserError

CORPUS = [
    "Cats and dogs are popular pets in many homes.",
    "The stock market fell sharply as investors sold shares.",
    "Dogs chase cats around the garden every morning.",
    "Shares in the bank rose after strong market results.",
]


@pytest.fixture(scope="module")
def glove() -> GloveEmbedder:
    return GloveEmbedder()


def glove_row(word: str) -> np.ndarray:
    return np.asarray(glove_vectors()[glove_index()[word]], dtype=np.float32)


# ---------------------------------------------------------------- registry


def test_registry_keys():
    assert set(MODELS) == {"minilm-onnx-int8", "minilm", "glove-6b-50d", "tfidf-lsa"}
    assert MODELS["minilm-onnx-int8"].cache_id() != MODELS["minilm"].cache_id()  # the vector cache keys on the variant
    assert DEFAULT_MODEL in MODELS
    assert MODELS["tfidf-lsa"].needs_corpus and not MODELS["glove-6b-50d"].needs_corpus


def test_offline_switch_set_by_import():
    if os.environ.get("EE_ALLOW_DOWNLOADS") != "1":
        assert os.environ.get("HF_HUB_OFFLINE") == "1"


@pytest.mark.parametrize("func", [create_embedder, model_id_for])
def test_unknown_key_names_available(func):
    with pytest.raises(ModelLoadError) as info:
        func("word2vec-huge")
    message = str(info.value)
    assert "word2vec-huge" in message
    for key in MODELS:
        assert key in message
    assert isinstance(info.value, UserError)


def test_custom_model_without_name():
    with pytest.raises(ModelLoadError, match="model name or a local folder"):
        create_embedder("st:   ")


def block_network(monkeypatch) -> list:
    """Refuse every connection and name lookup for the rest of the test; returns what was tried."""
    import socket

    attempts: list = []

    def refuse(sock, address):
        attempts.append(address)
        raise OSError(f"network blocked in this test: {address}")

    def no_lookup(host, *args, **kwargs):
        attempts.append(host)
        raise socket.gaierror(f"name lookup blocked in this test: {host}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    return attempts


@pytest.mark.slow  # imports sentence-transformers / torch
@pytest.mark.parametrize("name", ["/nonexistent/ee-model-folder", "ee-no-such-org/ee-no-such-model"])
def test_custom_model_missing_fails_cleanly_without_the_network(name, monkeypatch):
    attempts = block_network(monkeypatch)
    with pytest.raises(ModelLoadError) as info:
        create_embedder(f"st:{name}")
    message = str(info.value)
    assert attempts == [], f"a missing model must fail without reaching for the network: {attempts}"
    assert name in message and "offline" in message
    assert "\n" not in message and "Traceback" not in message
    assert len(message) < 400
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_model_id_for_matches_embedders(glove):
    assert model_id_for("glove-6b-50d") == glove.model_id == "glove-6b-50d"
    assert model_id_for("tfidf-lsa", corpus=CORPUS) == LsaEmbedder(CORPUS).model_id
    assert model_id_for("tfidf-lsa", corpus=CORPUS) != model_id_for("tfidf-lsa", corpus=CORPUS[:3])
    assert model_id_for("minilm") == MINILM_ID
    assert model_id_for("st:my/model ") == "st:my/model"


def test_registry_flags(glove):
    assert {k for k, m in MODELS.items() if m.word_vocabulary} == {"glove-6b-50d"}
    assert {k for k, m in MODELS.items() if m.model_id is None} == {k for k, m in MODELS.items() if m.needs_corpus}
    assert MODELS["glove-6b-50d"].model_id == glove.model_id == "glove-6b-50d"
    assert MODELS["minilm"].model_id == "all-MiniLM-L6-v2" == MINILM_ID
    for key, spec in MODELS.items():
        assert model_id_for(key, corpus=CORPUS) == spec.cache_id(CORPUS)
        assert is_word_vocabulary(key) == spec.word_vocabulary and is_corpus_fitted(key) == spec.needs_corpus
    for key in ("st:my/model", "word2vec-huge"):
        assert not is_word_vocabulary(key) and not is_corpus_fitted(key)


def test_model_spec_needs_one_kind_of_cache_id():
    with pytest.raises(ValueError):
        ModelSpec("fitted", "t", "d", LsaEmbedder, needs_corpus=True, model_id="fixed")
    with pytest.raises(ValueError):
        ModelSpec("fixed", "t", "d", GloveEmbedder)


def test_coverage_note_only_for_word_vocabularies():
    from core.embedding.encode import coverage_note

    assert coverage_note("glove-6b-50d", CORPUS) is not None
    for key in ("minilm", "tfidf-lsa", "st:my/model"):
        assert coverage_note(key, CORPUS) is None


def test_corpus_fitted_models_have_no_word_space_to_audit():
    from core.audits.word_sources import make_source

    with pytest.raises(UserError, match="TF-IDF \\+ SVD .* no fixed word space"):
        make_source("tfidf-lsa")


def test_model_title():
    assert model_title("glove-6b-50d") == MODELS["glove-6b-50d"].title
    assert model_title("st:foo/bar") == "foo/bar (sentence-transformers)"
    assert model_title("unknown") == "unknown"


def test_create_embedder_lsa_needs_corpus():
    with pytest.raises(ModelLoadError, match="corpus"):
        create_embedder("tfidf-lsa")
    assert create_embedder("tfidf-lsa", corpus=CORPUS).model_id == lsa_model_id(CORPUS)


# ---------------------------------------------------------------- GloVe


def test_glove_vocabulary_reads_nan_and_null_as_words():
    words = glove_words()
    assert len(words) == 400_000 and words[0] == "the"
    assert all(isinstance(w, str) for w in words[:1000])
    index = glove_index()
    assert "nan" in index and "null" in index and "none" in index
    assert "None" not in index  # a null read as Python None would show up as 'None'
    assert glove_vectors().shape == (400_000, 50)


def test_glove_tokens_and_oov_share(glove):
    assert glove.tokens("The cat zzqxj sat.") == ["the", "cat", "zzqxj", "sat", "."]
    shares = glove.oov_share(["The cat zzqxj sat.", "the cat", "zzqxj qqxv", ""])
    np.testing.assert_allclose(shares, [1 / 5, 0.0, 1.0, 1.0])


def test_glove_single_word_is_raw_row(glove):
    out = glove.encode(["cat", "Paris"])
    assert out.dtype == np.float32 and out.shape == (2, 50)
    np.testing.assert_array_equal(out[0], glove_row("cat"))
    np.testing.assert_array_equal(out[1], glove_row("paris"))  # lower-cased


def test_glove_sentence_is_mean_of_known_words(glove):
    out = glove.encode(["The cat sat zzqxj"])[0]
    expected = np.mean([glove_row(w) for w in ("the", "cat", "sat")], axis=0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_glove_unknown_text_is_nan(glove):
    out = glove.encode(["zzqxj qqxv", "", "dog"])
    assert np.isnan(out[0]).all() and np.isnan(out[1]).all()
    assert np.isfinite(out[2]).all()


def test_glove_similar_words_closer(glove):
    cat, dog, stock = glove.encode(["cat", "dog", "stock"])

    def cos(a, b):
        return a @ b / np.linalg.norm(a) / np.linalg.norm(b)

    assert cos(cat, dog) > cos(cat, stock) + 0.2


# ---------------------------------------------------------------- LSA


def test_lsa_dimension_bound_by_tiny_corpus():
    lsa = LsaEmbedder(CORPUS)
    assert lsa.dim == len(CORPUS) - 1  # min(100, n_docs - 1, n_terms - 1)
    out = lsa.encode(CORPUS)
    assert out.shape == (4, 3) and out.dtype == np.float32 and np.isfinite(out).all()
    assert LsaEmbedder(CORPUS, n_components=2).dim == 2


def test_lsa_dimension_bound_by_terms():
    corpus = ["alpha beta", "beta gamma", "alpha gamma", "gamma alpha beta", "beta beta"]
    lsa = LsaEmbedder(corpus)
    assert lsa.dim == 2  # 3 terms - 1, although there are 5 documents
    assert lsa.encode(corpus).shape == (5, 2)


def test_lsa_unknown_terms_give_nan_rows():
    lsa = LsaEmbedder(CORPUS)
    out = lsa.encode(["cats and dogs", "zzqxj qqxv", "the and of"])
    assert np.isfinite(out[0]).all()
    assert np.isnan(out[1]).all() and np.isnan(out[2]).all()


def test_lsa_deterministic_and_topical():
    a, b = LsaEmbedder(CORPUS).encode(CORPUS), LsaEmbedder(list(CORPUS)).encode(CORPUS)
    np.testing.assert_array_equal(a, b)
    unit = a / np.linalg.norm(a, axis=1, keepdims=True)
    sims = unit @ unit.T
    assert sims[0, 2] > sims[0, 1] and sims[1, 3] > sims[1, 2]  # pets with pets, markets with markets


@pytest.mark.parametrize("corpus", [["the a an", "of the"], ["hello"], ["hello", "hello hello"], [""]])
def test_lsa_without_two_usable_terms_is_a_user_error(corpus):
    with pytest.raises(ModelLoadError, match="at least two different words"):
        LsaEmbedder(corpus)


@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")
def test_lsa_single_document():
    lsa = LsaEmbedder(["hello world"])
    assert lsa.dim == 1
    assert np.isfinite(lsa.encode(["hello world"])).all()


# ---------------------------------------------------------------- MiniLM (slow)


@pytest.mark.slow
def test_minilm_offline(monkeypatch):
    attempts = block_network(monkeypatch)
    model = create_embedder("minilm")
    assert attempts == []
    assert model.dim == 384 and model.model_id == MINILM_ID
    texts = [
        "A man is playing a guitar on stage.",
        "Someone performs music with a guitar.",
        "The central bank raised interest rates.",
    ]
    out = model.encode(texts)
    assert out.shape == (3, 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, atol=1e-4)
    sims = out @ out.T
    assert sims[0, 1] > sims[0, 2] + 0.2
    np.testing.assert_allclose(model.encode(texts[:1]), out[:1], atol=1e-5)  # deterministic
