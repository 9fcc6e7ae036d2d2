"""Words in context: occurrences, token-span means, senses, self-similarity and suggestions."""
from __future__ import annotations

import json
import re
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
from core.contexts.tokens import contextual_vectors, occurrence_windows, span_mean, span_rows
from core.contexts.windows import Window, centred_span, token_window
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

    max_length = budget = 8  # no special tokens

    def token_spans(self, text):
        spans, pos = [], 0
        for w in text.split():
            start = text.index(w, pos)
            spans.append((start, start + len(w)))
            pos = start + len(w)
        return spans

    def encode_texts(self, texts):
        out = []
        for text in texts:
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            vecs = [rng.normal(size=4) if w.lower() == "bank" else np.eye(4)[len(w) % 4] for w in text.split()]
            out.append((np.asarray(vecs, dtype=np.float32)[: self.max_length],
                        self.token_spans(text)[: self.max_length]))
        return out


def test_an_occurrence_past_the_window_is_read_in_a_window_centred_on_it():
    long_text = "one two three four five six seven eight bank nine ten eleven twelve"
    texts = ["bank one two", long_text]
    found = find_occurrences("bank", texts)
    encoder = FakeEncoder()
    windows = occurrence_windows(encoder, texts, found)
    assert windows[0] == Window(0, 0, len(texts[0]))  # a text that fits is read whole
    assert long_text[windows[1].start:windows[1].end] == "six seven eight bank nine ten eleven twelve"
    cv = contextual_vectors(encoder, texts, found)
    assert cv.kept == found and cv.n_truncated == 0 and cv.n_windowed == 1
    ((vectors, _),) = encoder.encode_texts(["six seven eight bank nine ten eleven twelve"])
    np.testing.assert_array_equal(cv.vectors[1], vectors[3])  # bank's vector in that window
    ((whole, _),) = encoder.encode_texts([texts[0]])
    np.testing.assert_array_equal(cv.vectors[0], whole[0])


def test_windows_are_centred_clamped_and_cut_between_words():
    assert token_window(20, 10, 10, 5) == (8, 13)
    assert token_window(20, 1, 1, 5) == (0, 5) and token_window(20, 19, 19, 5) == (15, 20)
    assert token_window(20, 3, 9, 5) is None  # the occurrence alone is longer than the window
    text = "ab cd ef gh ij"  # each word two tokens (a, ##b): a window never starts or ends inside a word
    spans = [(i, i + 1) for i in range(len(text)) if text[i] != " "]
    assert text[slice(*centred_span(spans, 4, 5, 6))] == "cd ef gh"  # tokens 2..7 would end inside "ij"
    assert text[slice(*centred_span(spans, 4, 5, 5))] == "ef gh"  # tokens 3..7 would cut both "cd" and "ij"
    assert text[slice(*centred_span(spans, 0, 1, 3))] == "ab"
    assert text[slice(*centred_span(spans, 4, 5, 2))] == "ef"
    assert centred_span(spans, 2, 7, 5) is None


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
    windowed = analyse_word("bank", texts + [long_text], minilm, baseline=0.0, with_map=False)
    assert windowed.n_truncated == 0 and len(windowed.occurrences) == 11
    assert any("centred on it" in note for note in windowed.notes)


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


@pytest.mark.slow
def test_every_occurrence_of_bank_in_the_lee_documents_is_used(minilm):
    from core.contexts.analysis import analyse_word
    from core.data.builtins import lee_documents

    texts = list(lee_documents().texts)
    expected = sum(len(re.findall(r"\bbank\b", text, flags=re.IGNORECASE)) for text in texts)
    assert expected == 51
    assert max(len(minilm.token_spans(text)) for text in texts) > minilm.max_length  # some texts are longer
    result = analyse_word("bank", texts, minilm, baseline=0.0, with_map=False)
    assert result.n_found == expected and len(result.occurrences) == expected and result.n_truncated == 0
    assert len(set(result.occurrences)) == expected and np.isfinite(result.vectors).all()


@pytest.mark.slow
def test_cli_writes_one_row_per_occurrence_with_its_sense_and_map_position(tmp_path, capsys):
    import pandas as pd

    from core.cli.commands import main

    lines = RIVER + MONEY + ["=1+1 at the bank"]
    path, out = tmp_path / "bank.txt", tmp_path / "occurrences.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert main(["contexts", "bank", str(path), "--model", "minilm", "--format", "json", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    table = pd.read_csv(out)
    assert list(table.columns) == ["text", "row", "start", "sense", "x", "y"]
    found = [(row, m.start()) for row, line in enumerate(lines) for m in re.finditer(r"\bbank\b", line)]
    assert list(zip(table["row"], table["start"])) == found
    assert all("[bank]" in text for text in table["text"])
    assert table["text"].iloc[-1] == "'=1+1 at the [bank]"  # guarded: a spreadsheet shows it as text
    sizes = {s["sense"]: s["occurrences"] for s in doc["senses"]}
    assert table["sense"].value_counts().to_dict() == sizes
    assert table[["x", "y"]].notna().all().all() and table["x"].std() > 0
