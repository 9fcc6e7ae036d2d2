"""Words in context: occurrences, token-span means, senses, self-similarity and suggestions."""
from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from core.contexts.occurrences import (
    Occurrence,
    context_line,
    find_occurrences,
    sample_occurrences,
    split_sentences,
)
from core.contexts.senses import find_senses, layout_2d, map_method
from core.contexts.suggestions import ambiguity_table, candidate_words, is_cached, suggest_words
from core.contexts.tokens import contextual_vectors, span_mean, span_rows
from core.errors import UserError

RIVER = ["The river bank was muddy after the rain.", "They sat on the grassy bank of the stream.",
         "Fish gathered near the bank where the water was shallow.", "We walked along the bank of the river at dawn.",
         "The boat drifted toward the far bank of the lake."]
MONEY = ["The bank raised interest rates again.", "She deposited her salary at the bank.",
         "The bank approved the loan for the new house.", "He works as a teller at a bank downtown.",
         "The central bank cut rates to support the economy."]


def test_occurrences_are_whole_words_any_case_with_offsets():
    texts = ["Bank banks BANK riverbank bank's", "no match here", "the Bank-holiday; bank."]
    found = find_occurrences("bank", texts)
    assert found == [Occurrence(0, 0, 4), Occurrence(0, 11, 15), Occurrence(0, 26, 30),
                     Occurrence(2, 4, 8), Occurrence(2, 18, 22)]
    assert [texts[o.row][o.start:o.end] for o in found] == ["Bank", "BANK", "bank", "Bank", "bank"]
    assert find_occurrences("new york", ["In New  York? new york!"]) == [Occurrence(0, 3, 12), Occurrence(0, 14, 22)]
    assert find_occurrences("c++", ["I like c++ a lot"]) == [Occurrence(0, 7, 10)]
    with pytest.raises(UserError, match="Type a word"):
        find_occurrences("  ", texts)


def test_sampling_context_lines_and_typed_sentences():
    found = [Occurrence(i, 0, 1) for i in range(50)]
    sample = sample_occurrences(found, 10, seed=0)
    assert len(sample) == 10 and sample == sorted(sample, key=lambda o: o.row)
    assert sample == sample_occurrences(found, 10, seed=0)
    assert sample_occurrences(found[:3], 10) == found[:3]
    text = "x" * 200 + " bank " + "y" * 200
    line = context_line(text, Occurrence(0, 201, 205), chars=10)
    assert line == "…" + "x" * 9 + " [bank] " + "y" * 9 + "…"
    assert split_sentences(" a \n\n b\r\nc ") == ["a", "b", "c"]


def test_span_rows_pick_the_overlapping_tokens_and_skip_special_ones():
    offsets = [(0, 0), (0, 3), (4, 6), (6, 10), (10, 14), (15, 20), (0, 0)]  # [CLS] the em ##bank ##ment ... [SEP]
    assert span_rows(offsets, 4, 14).tolist() == [2, 3, 4]
    assert span_rows(offsets, 0, 3).tolist() == [1]
    vectors = np.arange(7 * 2, dtype=np.float32).reshape(7, 2)
    np.testing.assert_allclose(span_mean(vectors, offsets, 4, 14), vectors[2:5].mean(axis=0))
    assert span_mean(vectors, offsets[:4] + [(0, 0)], 4, 14) is None  # the window ends inside the word
    assert span_mean(vectors, offsets, 30, 34) is None  # past the window


class FakeEncoder:
    """Tokens are whitespace words; 'bank' gets a vector that depends on the sentence, other words a fixed one."""

    max_length = 8

    def encode_texts(self, texts):
        out = []
        for text in texts:
            words, offsets, pos = text.split(), [], 0
            for w in words:
                start = text.index(w, pos)
                offsets.append((start, start + len(w)))
                pos = start + len(w)
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            vecs = [rng.normal(size=4) if w.lower() == "bank" else np.eye(4)[len(w) % 4] for w in words]
            out.append((np.asarray(vecs, dtype=np.float32)[: self.max_length], offsets[: self.max_length]))
        return out


def test_contextual_vectors_skip_and_count_occurrences_past_the_window():
    texts = ["bank one two", "one two three four five six seven eight bank"]
    cv = contextual_vectors(FakeEncoder(), texts, find_occurrences("bank", texts))
    assert cv.kept == [Occurrence(0, 0, 4)] and cv.n_truncated == 1 and cv.vectors.shape == (1, 4)


def test_suggestions_rank_the_word_whose_vectors_vary_first_and_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    texts = [f"river bank number{i} river" for i in range(8)] + ["stone stone stone"] * 2
    assert candidate_words(texts, min_count=5) == ["river", "bank", "stone"]
    assert not is_cached(texts, "fake")
    table = ambiguity_table(FakeEncoder(), texts, model_id="fake", min_count=5)
    assert suggest_words(table, 1) == ["bank"]
    assert table.set_index("word").loc["river", "self_similarity"] == pytest.approx(1.0)
    assert is_cached(texts, "fake")
    again = ambiguity_table(None, texts, model_id="fake", min_count=5)  # from disk: no encoder needed
    assert again.equals(table)


def test_senses_split_separated_groups_and_not_noise():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=16), rng.normal(size=16)
    groups = np.vstack([a + 0.1 * rng.normal(size=(8, 16)), b + 0.1 * rng.normal(size=(5, 16))])
    senses = find_senses(groups)
    assert senses.k == 2 and senses.labels.tolist() == [0] * 8 + [1] * 5
    assert find_senses(rng.normal(size=(40, 200))).k == 1  # no structure: one sense
    assert find_senses(groups[:4]).k == 1 and np.isnan(find_senses(groups[:4]).silhouette)
    assert map_method(14) == "pca" and map_method(15) == "umap"
    assert layout_2d(groups).shape == (13, 2)


@pytest.fixture(scope="module")
def minilm():
    """The one MiniLM model these tests share, seen token by token."""
    from core.contexts.tokens import token_encoder
    from core.embedding.models import create_embedder

    return token_encoder(create_embedder("minilm"))


@pytest.mark.slow
def test_token_span_mean_equals_a_hand_computation(minilm):
    text = "The unbankable loan went bad."
    model = minilm.model
    tokens = model.tokenizer(text).tokens()
    assert tokens[2:5] == ["un", "##bank", "##able"]  # the hand-picked rows below
    by_hand = model.encode([text], output_value="token_embeddings")[0].numpy()[2:5].mean(axis=0)
    (occ,) = find_occurrences("unbankable", [text])
    cv = contextual_vectors(minilm, [text], [occ])
    np.testing.assert_allclose(cv.vectors[0], by_hand, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_bank_differs_across_senses_more_than_within_a_sense(minilm):
    from core.contexts.analysis import analyse_word

    texts = RIVER + MONEY
    result = analyse_word("bank", texts, minilm, baseline=0.0, with_map=False)
    u = result.vectors / np.linalg.norm(result.vectors, axis=1, keepdims=True)
    sims, river, money = u @ u.T, slice(0, 5), slice(5, 10)
    within = np.mean([sims[s, s][np.triu_indices(5, k=1)].mean() for s in (river, money)])
    across = sims[river, money].mean()
    assert within > across + 0.05  # measured: 0.85 within, 0.76 across
    np.fill_diagonal(sims, -1)
    assert (sims.argmax(axis=1) // 5).tolist() == [0] * 5 + [1] * 5  # each nearest occurrence shares its sense
    assert result.senses.k == 2
    assert len(set(result.senses.labels[:5])) == 1 and len(set(result.senses.labels[5:])) == 1
    long_text = "word " * 300 + "bank"
    truncated = analyse_word("bank", texts + [long_text], minilm, baseline=0.0, with_map=False)
    assert truncated.n_truncated == 1 and len(truncated.occurrences) == 10


@pytest.mark.slow
def test_cli_prints_senses_and_corrected_self_similarity(tmp_path, capsys):
    from core.cli.commands import main

    path = tmp_path / "bank.txt"
    path.write_text("\n".join(RIVER + MONEY), encoding="utf-8")
    assert main(["contexts", "bank", str(path), "--model", "minilm", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["occurrences_used"] == 10 and doc["skipped_truncated"] == 0
    assert [s["occurrences"] for s in doc["senses"]] == [5, 5]
    assert doc["self_similarity_corrected"] == pytest.approx(doc["self_similarity"] - doc["anisotropy_baseline"],
                                                             abs=2e-4)
    assert all("[bank]" in e for s in doc["senses"] for e in s["examples"])
    assert main(["contexts", "zebra", str(path)]) == 2
    assert "'zebra' does not occur" in capsys.readouterr().err
