"""Long texts: windows over a text, what a model's window cuts, chunked embedding pooled per text, passages."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.cli.args import long_texts
from core.cli.commands import build_parser
from core.data.builtins import lee_documents
from core.embedding.cache import EmbeddingCache
from core.embedding.encode import Windows, embed_texts
from core.embedding.models import MINILM_ID, model_folder
from core.embedding.windows import (
    OVERLAP,
    LongTexts,
    kept_window_report,
    token_ranges,
    token_window,
    window_report,
    window_spans,
    windows_needed,
)
from core.hashing import hash_texts
from core.search.passages import CLOSE, OPEN, best_window, escape_markdown, marked, passage_columns


def plain_words(n: int) -> tuple[str, list[tuple[int, int]]]:
    """n space-separated words and their spans: one token per word, no sentence ends."""
    words = [f"w{i}" for i in range(n)]
    text = " ".join(words)
    spans, at = [], 0
    for word in words:
        spans.append((at, at + len(word)))
        at += len(word) + 1
    return text, spans


class FakeEmbedder:
    """A deterministic, non-normalising model: a text's vector depends only on the text."""

    model_id, dim = MINILM_ID, 8

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:
        self.seen.extend(texts)
        return np.stack([np.random.default_rng(sum(map(ord, t)) + len(t)).normal(size=8) * 3 for t in texts]
                        ).astype(np.float32)


@pytest.fixture(scope="module")
def window():
    return token_window("minilm")


# ---------------------------------------------------------------- windows


@pytest.mark.parametrize(("n", "size", "overlap"), [(1000, 254, 32), (600, 100, 10), (255, 254, 32), (254, 254, 32)])
def test_known_token_length_gives_expected_windows_with_overlap(n, size, overlap):
    text, offsets = plain_words(n)
    ranges = token_ranges(text, offsets, size, overlap)
    assert len(ranges) == (1 if n <= size else 1 + math.ceil((n - size) / (size - overlap)))
    assert len(ranges) == windows_needed(np.array([n]), size, overlap)
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    assert all(b - a <= size for a, b in ranges)
    assert all(prev[1] - nxt[0] == overlap for prev, nxt in zip(ranges, ranges[1:-1]))  # all but the last step


def test_real_tokenizer_windows_fit_and_overlap(window):
    text = " ".join(["alpha beta gamma delta"] * 150)  # 600 tokens, no sentence ends
    offsets = window.offsets([text])[0]
    assert len(offsets) == 600 and window.size == 254
    spans = window_spans(text, offsets, window.size, 32)
    assert len(spans) == 1 + math.ceil((600 - 254) / (254 - 32))
    assert all(window.counts([text[a:b]])[0] <= window.size for a, b in spans)
    assert all(b1 > a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))  # neighbours overlap


def test_windows_end_at_sentence_ends_where_possible(window):
    text = " ".join(f"Sentence number {i} is here." for i in range(120))
    offsets = window.offsets([text])[0]
    spans = window_spans(text, offsets, window.size, 16)
    assert len(spans) > 1
    assert all(text[b - 1] == "." for _, b in spans)


def test_over_window_count_equals_the_tokenizers_count(window):
    from transformers import AutoTokenizer

    texts = lee_documents().texts
    tokenizer = AutoTokenizer.from_pretrained(str(model_folder("minilm")))
    with_special = [len(ids) for ids in tokenizer(texts, add_special_tokens=True)["input_ids"]]
    report = window_report(texts, window)
    assert report.n_over == sum(n > 256 for n in with_special) == 101
    assert report.max_tokens == 256 and len(report.counts) == 350
    assert 0 < report.lost_share < 1 and report.embedded_share("chunk") == 1.0 > report.embedded_share()
    assert report.suggest_chunking and "101 of 350" in report.sentence()
    longest = report.longest(5)
    assert list(report.counts[longest]) == sorted(report.counts, reverse=True)[:5]


def test_a_kept_window_report_is_read_back_without_the_tokenizer(tmp_path, monkeypatch, window):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    texts = lee_documents().texts[:40]
    first = kept_window_report(texts, "minilm")
    assert first is not None and list(first.counts) == list(window_report(texts, window).counts)

    def no_tokenizer(*_args, **_kwargs):
        raise AssertionError("the tokenizer was loaded")

    monkeypatch.setattr("core.embedding.windows.token_window", no_tokenizer)
    again = kept_window_report(texts, "minilm")
    assert list(again.counts) == list(first.counts) and (again.size, again.max_tokens) == (first.size, 256)
    with pytest.raises(AssertionError, match="tokenizer"):  # other texts are counted afresh
        kept_window_report(texts[:39], "minilm")


def test_long_texts_setting_parses_and_truncate_ignores_overlap():
    args = build_parser().parse_args(["embed", "x.csv", "--out", "o.npy", "--long-texts", "chunk", "--overlap", "16"])
    assert long_texts(args) == LongTexts("chunk", 16)
    assert LongTexts("truncate", 5) == LongTexts() and LongTexts().suffix == ""
    with pytest.raises(SystemExit):
        build_parser().parse_args(["embed", "x.csv", "--out", "o.npy", "--overlap", str(OVERLAP.bounds[1] + 1)])
    with pytest.raises(ValueError):
        LongTexts("summarise")


# ---------------------------------------------------------------- chunked embedding


def test_pooled_vector_is_the_mean_of_its_windows(tmp_path, window):
    long_text = " ".join(f"Line {i} of a long report." for i in range(150))
    texts = [long_text, "A short one."]
    model = FakeEmbedder()
    result = embed_texts(texts, "minilm", cache=EmbeddingCache(tmp_path / "c.sqlite"), get_embedder=lambda: model,
                         normalize=False, long_texts=LongTexts("chunk", 32))
    spans = result.windows.spans
    assert len(spans[0]) > 1 and spans[1] == [(0, len(texts[1]))]
    direct = model.encode([long_text[a:b] for a, b in spans[0]])
    np.testing.assert_allclose(result.vectors[0], direct.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(result.vectors[1], model.encode([texts[1]])[0], rtol=1e-6)


def test_chunking_caches_each_window_and_truncate_keeps_todays_keys(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    long_text = " ".join(f"Line {i} of a long report." for i in range(150))
    model = FakeEmbedder()
    embed_texts([long_text], "minilm", cache=cache, get_embedder=lambda: model, long_texts=LongTexts())
    plain_key = hash_texts([long_text], salt=MINILM_ID)[0]
    assert plain_key in cache.get_many([plain_key])  # truncation: the key of today
    chunk = LongTexts("chunk", 32)
    result = embed_texts([long_text], "minilm", cache=cache, get_embedder=lambda: model, long_texts=chunk)
    window_keys = hash_texts([long_text[a:b] for a, b in result.windows.spans[0]], salt=MINILM_ID)
    assert len(window_keys) > 1 and set(cache.get_many(window_keys)) == set(window_keys)
    assert len(cache) == 1 + len(set(window_keys))  # the long text under today's key, and its windows
    seen = len(model.seen)
    again = embed_texts([long_text], "minilm", cache=cache, get_embedder=lambda: model, long_texts=chunk)
    assert len(model.seen) == seen and again.n_encoded == 0  # the windows come from the cache


# ---------------------------------------------------------------- passages


def test_best_window_and_marked_passage():
    text = "first part. second part. third part."
    windows = Windows.build([[(0, 11), (12, 24), (25, 36)]], np.array([[1, 0], [0, 1], [1, 1]], np.float32))
    assert best_window(windows, 0, np.array([0.1, 1.0]))[0] == 1
    assert marked(text, (12, 24)) == f"first part. {OPEN}second part.{CLOSE} third part."
    table = passage_columns(windows, [text], [0, None], np.array([0.1, 1.0]))
    assert table["window"].tolist() == ["2 of 3", ""]
    assert OPEN + "second part." + CLOSE in table["passage"][0]
    assert escape_markdown("*a* [b](c)") == r"\*a\* \[b\]\(c\)"


# ---------------------------------------------------------------- with the real model


@pytest.fixture(scope="session")
def minilm():
    from core.embedding.models import create_embedder

    return create_embedder("minilm")


@pytest.mark.slow
def test_truncate_gives_the_same_vectors_as_a_direct_encode(tmp_path, minilm):
    texts = list(lee_documents().texts[:6])
    result = embed_texts(texts, "minilm", cache=EmbeddingCache(tmp_path / "c.sqlite"), get_embedder=lambda: minilm,
                         long_texts=LongTexts("truncate"))
    direct = minilm.model.encode(texts, convert_to_numpy=True)
    np.testing.assert_allclose(result.vectors, direct / np.linalg.norm(direct, axis=1, keepdims=True), atol=1e-5)


@pytest.mark.slow
def test_chunked_minilm_vector_is_the_normalised_mean_of_its_windows(tmp_path, minilm):
    texts = lee_documents().texts
    row = int(np.argmax([len(t) for t in texts]))
    result = embed_texts([texts[row]], "minilm", cache=EmbeddingCache(tmp_path / "c.sqlite"),
                         get_embedder=lambda: minilm, long_texts=LongTexts("chunk"))
    pieces = [texts[row][a:b] for a, b in result.windows.spans[0]]
    mean = minilm.model.encode(pieces, convert_to_numpy=True).mean(axis=0)
    assert len(pieces) >= 3
    np.testing.assert_allclose(result.vectors[0], mean / np.linalg.norm(mean), atol=1e-5)
