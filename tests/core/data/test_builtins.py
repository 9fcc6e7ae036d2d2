"""Tests for core.data.builtins: every built-in dataset loads with the expected sizes and columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.builtins import (
    BUILTINS,
    DEFAULT_DATASET,
    DEFAULT_SIZE,
    builtin,
    glove_top_words,
    load_builtin,
    size_range,
)
from core.data.glove import glove_index, glove_vectors, glove_words
from core.errors import DataError


@pytest.fixture(scope="module")
def sentences():
    return load_builtin("lee-sentences")


@pytest.fixture(scope="module")
def documents():
    return load_builtin("lee-documents")


def test_registry():
    assert list(BUILTINS) == ["lee-sentences", "lee-documents", "glove-words", "digits", "karate-club",
                              "les-miserables", "gapminder", "photo-patches"]
    assert DEFAULT_DATASET in BUILTINS
    assert {k for k, b in BUILTINS.items() if b.has_vectors} == {"glove-words", "digits"}


def test_sized_flags():
    assert {k for k, b in BUILTINS.items() if b.sized} == {"glove-words"}
    sized = BUILTINS["glove-words"].sized
    assert (sized.low, sized.high, sized.default, sized.step) == (10, 400_000, DEFAULT_SIZE, 1000) and DEFAULT_SIZE == 5000
    assert sized.accepts(10) and sized.accepts(400_000) and not sized.accepts(9) and not sized.accepts(400_001)
    assert size_range("glove-words") is sized
    assert size_range("digits") is None and size_range("upload-or-unknown") is None


def test_sized_titles_and_loading():
    assert builtin("glove-words").title_at(20_000) == "GloVe 6B: most frequent words (20,000)"
    assert builtin("digits").title_at(20_000) == "Handwritten digits (8x8 images)"
    assert len(builtin("glove-words").load(10)) == 10
    assert len(builtin("digits").load(10)) == 1797


def test_example_axes():
    assert BUILTINS["glove-words"].example_axes == ("man", "woman", "good", "bad")
    for key, spec in BUILTINS.items():
        assert len(spec.example_axes) == 4 and all(spec.example_axes), key


def test_unknown_key():
    with pytest.raises(DataError) as info:
        load_builtin("imagenet")
    assert "imagenet" in str(info.value)
    for key in BUILTINS:
        assert key in str(info.value)


def test_lee_documents(documents):
    assert len(documents) == 350
    assert list(documents.frame.columns) == ["text", "source", "document", "words"]
    assert documents.text_column == "text" and documents.vectors is None
    assert documents.frame["source"].value_counts().to_dict() == {"background": 300, "test": 50}
    assert documents.frame["document"].is_unique
    assert documents.frame["text"].str.strip().ne("").all()
    expected_words = documents.frame["text"].map(lambda t: len(t.split()))
    assert (documents.frame["words"] == expected_words).all()
    np.testing.assert_array_equal(documents.source_rows, np.arange(350))


def test_lee_sentences(sentences, documents):
    frame = sentences.frame
    assert len(sentences) == 2756
    assert list(frame.columns) == ["text", "source", "document", "position", "words"]
    assert sentences.text_column == "text"
    assert sentences.metadata_columns == ["source", "document", "position", "words"]
    assert frame["words"].min() >= 4  # fragments shorter than four words are dropped
    assert set(frame["document"]) <= set(documents.frame["document"])
    # positions count 0, 1, 2, ... within each document
    for _, group in frame.groupby("document", sort=False):
        assert group["position"].tolist() == list(range(len(group)))
    # every sentence is a piece of its document
    doc_text = dict(zip(documents.frame["document"], documents.frame["text"]))
    for row in frame.sample(50, random_state=0).itertuples():
        assert row.text in doc_text[row.document]


def test_glove_words_default():
    ds = load_builtin("glove-words")
    assert len(ds) == 5000 and ds.text_column == "word"
    assert list(ds.frame.columns) == ["word", "frequency_rank"]
    assert ds.vectors.shape == (5000, 50) and ds.vectors.dtype == np.float32
    assert np.isfinite(ds.vectors).all()
    words = ds.frame["word"].tolist()
    assert all(isinstance(w, str) and w.isalpha() for w in words)
    assert words[:3] == ["the", "of", "to"]  # ',' and '.' (ranks 2, 3) are skipped
    assert ds.frame["frequency_rank"].tolist()[:3] == [1, 4, 5]
    assert ds.frame["frequency_rank"].is_monotonic_increasing
    index = glove_index()
    for row in (0, 1234, 4999):
        word = words[row]
        assert ds.frame["frequency_rank"][row] == index[word] + 1
        np.testing.assert_array_equal(ds.vectors[row], glove_vectors()[index[word]])


def test_glove_words_keep_nan_and_null_as_words():
    """'nan' and 'null' are real GloVe tokens; they must stay words, not become missing values."""
    ds = glove_top_words(23000)
    words = ds.frame["word"]
    assert words.map(type).eq(str).all() and not words.isna().any()
    for token in ("nan", "null", "none", "na"):
        assert token in set(words), token
        row = words.tolist().index(token)
        np.testing.assert_array_equal(ds.vectors[row], glove_vectors()[glove_index()[token]])
    assert ds.texts.count("nan") == 1


@pytest.mark.parametrize("n", [9, 400_001])
def test_glove_words_bounds(n):
    with pytest.raises(DataError, match="between 10 and 400,000"):
        load_builtin("glove-words", n=n)


def test_glove_words_small_n():
    ds = load_builtin("glove-words", n=10)
    alphabetic = [w for w in glove_words() if w.isalpha()][:10]
    assert ds.frame["word"].tolist() == alphabetic
    assert ds.name == "glove-words-10"


def test_digits():
    ds = load_builtin("digits")
    assert len(ds) == 1797
    assert ds.vectors.shape == (1797, 64) and ds.vectors.dtype == np.float32
    assert ds.images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(ds.images.reshape(1797, 64), ds.vectors)  # pixels row by row
    assert ds.vectors.min() == 0 and ds.vectors.max() == 16
    assert ds.text_column == "label" and "digit" in ds.frame.columns
    assert ds.frame["label"][0] == "digit 0 (#0)"
    assert sorted(ds.frame["digit"].unique()) == [str(d) for d in range(10)]
    counts = ds.frame["digit"].value_counts()
    assert counts.min() >= 170 and counts.sum() == 1797
    assert ds.frame["label"].is_unique


def test_builtin_datasets_are_fresh_objects():
    a, b = load_builtin("lee-documents"), load_builtin("lee-documents")
    a.frame.loc[0, "text"] = "changed"
    assert b.frame.loc[0, "text"] != "changed"
    assert isinstance(a.frame, pd.DataFrame)
