"""CEAT: contexts from a corpus or templates, sampled effect sizes, random-effects pooling, the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from core.audits.ceat import (
    CeatSettings,
    ContextIndex,
    run_ceats,
    run_ceats_on_source,
    sampled_effect_sizes,
    word_contexts,
)
from core.audits.meta_analysis import random_effects
from core.audits.weat import association, effect_size
from core.audits.weat_sets import typed_test
from core.audits.word_sources import TemplateSource, VocabularySource
from core.audits.word_vectors import WordVectors
from core.errors import UserError

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ["The river bank was muddy.", "She paid the Bank on Monday.", "Banks closed early.",
          "A rose by the river.", "He picked a rose and a tulip.", "The ant carried a leaf.",
          "An ant, then another ant.", "Love is patient.", "War is loud.", "They spoke of love and peace.",
          "Peace at last.", "After the war came hunger.", "The U.S. economy grew."]
TEMPLATES = ("This is [word].", "Here is [word].")
TEST = typed_test("flowers vs insects", {}, {"X": "rose, tulip, daisy", "Y": "ant, wasp", "A": "love, peace",
                                             "B": "war, hunger"})


def fake_embed(texts: list[str]) -> np.ndarray:
    """A deterministic 8-d vector per text; texts that mention pleasant words lean one way."""
    rows = []
    for text in texts:
        v = np.random.default_rng(zlib.crc32(text.encode())).normal(size=8)
        v[0] += 6.0 * any(w in text.lower() for w in ("love", "peace", "rose", "tulip", "daisy"))
        rows.append(v)
    return np.array(rows)


def test_context_index_is_whole_word_and_case_insensitive():
    index = ContextIndex(CORPUS)
    assert index.find("bank") == [0, 1] and index.find("BANK") == [0, 1]  # not "Banks"
    assert index.find("ant") == [5, 6] and index.find("u.s.") == [12]  # punctuation inside: a regex search
    assert index.find("zebra") == []


def test_word_contexts_come_from_the_corpus_or_the_templates():
    index = ContextIndex(CORPUS)
    rose = word_contexts("rose", index, TEMPLATES, 1, seed=0)
    assert rose.from_corpus and rose.occurrences == 2 and len(rose.texts) == 1 and rose.texts[0] in CORPUS[3:5]
    assert word_contexts("rose", index, TEMPLATES, 1, seed=0) == rose  # seeded per word
    daisy = word_contexts("daisy", index, TEMPLATES, 20, seed=0)
    assert not daisy.from_corpus and daisy.texts == ("This is daisy.", "Here is daisy.")


def test_sampled_effect_sizes_with_one_context_per_word_are_weat():
    rng = np.random.default_rng(0)
    sets = {role: rng.normal(size=(n, 5)) for role, n in zip("XYAB", (3, 4, 2, 3))}
    groups = {role: [row[None, :] / np.linalg.norm(row) for row in m] for role, m in sets.items()}
    es, v = sampled_effect_sizes(groups, 20, seed=1)
    s_x, s_y = association(sets["X"], sets["A"], sets["B"]), association(sets["Y"], sets["A"], sets["B"])
    np.testing.assert_allclose(es, effect_size(s_x, s_y))
    np.testing.assert_allclose(v, np.var(np.concatenate([s_x, s_y]), ddof=1))


def test_sampled_effect_sizes_equal_a_plain_loop():
    rng = np.random.default_rng(2)
    counts = {"X": [2, 3], "Y": [1, 4], "A": [3, 2], "B": [2, 2]}
    groups = {r: [rng.normal(size=(k, 4)) for k in ks] for r, ks in counts.items()}
    groups = {r: [m / np.linalg.norm(m, axis=1, keepdims=True) for m in ms] for r, ms in groups.items()}
    es, v = sampled_effect_sizes(groups, 30, seed=4)
    draw = np.random.default_rng(4)  # the draws in the order the function makes them: targets, A, B
    picks = {}
    for roles in (("X", "Y"), ("A",), ("B",)):
        ks = np.array([k for r in roles for k in counts[r]])
        picks[roles] = (draw.random((30, len(ks))) * ks).astype(int)
    for i in range(30):
        t = [m[j] for m, j in zip(groups["X"] + groups["Y"], picks[("X", "Y")][i])]
        a = np.array([m[j] for m, j in zip(groups["A"], picks[("A",)][i])])
        b = np.array([m[j] for m, j in zip(groups["B"], picks[("B",)][i])])
        s_x, s_y = association(np.array(t[:2]), a, b), association(np.array(t[2:]), a, b)
        assert es[i] == pytest.approx(effect_size(s_x, s_y))
        assert v[i] == pytest.approx(np.var(np.concatenate([s_x, s_y]), ddof=1))


def test_ceat_on_a_fake_embedder_pools_the_samples():
    settings = CeatSettings(n_contexts=3, n_samples=400, seed=0)
    (result,) = run_ceats([TEST], CORPUS, TEMPLATES, fake_embed, settings)
    m = result.pooled
    assert m.k == 400 and len(result.effects) == 400
    assert np.isfinite([m.estimate, m.se, m.z, m.q, m.tau2]).all() and m.se > 0 and m.tau2 >= 0
    assert 0 <= m.i2 <= 1 and m.ci_low < m.estimate < m.ci_high and 0 <= m.p <= 1
    assert m.estimate > 0  # the fake space puts flower contexts near pleasant ones
    assert result.template_words() == ["daisy", "wasp"]  # the corpus lacks them
    assert result.p_holm == pytest.approx(m.p) and result.p_bh == pytest.approx(m.p)  # one test: its own family
    again = run_ceats([TEST], CORPUS, TEMPLATES, fake_embed, settings)[0]
    assert again.pooled == m  # seeded
    row = result.as_dict()
    assert row["contexts"]["X"][2] == {"word": "daisy", "contexts": 2, "occurrences": 0, "source": "templates"}


def test_pooling_agrees_with_statsmodels_on_sampled_effects():
    es = np.random.default_rng(3).normal(0.4, 0.2, 50)
    v = np.random.default_rng(4).uniform(0.01, 0.05, 50)
    ours, theirs = random_effects(es, v), combine_effects(es, v, method_re="dl")
    assert ours.estimate == pytest.approx(theirs.mean_effect_re) and ours.se == pytest.approx(theirs.sd_eff_w_re)
    assert ours.tau2 == pytest.approx(theirs.tau2) and ours.i2 == pytest.approx(theirs.i2)


def test_ceat_needs_a_sentence_model():
    glove_like = VocabularySource(WordVectors(["a", "b"], np.eye(2, dtype=np.float32), label="toy"))
    with pytest.raises(UserError, match="CEAT needs a sentence model"):
        run_ceats_on_source([TEST], glove_like, CORPUS)


def test_ceat_through_a_template_source(monkeypatch):
    source = TemplateSource("minilm", TEMPLATES)
    seen = []
    monkeypatch.setattr(source, "embed", lambda texts, progress=None: seen.append(len(texts)) or fake_embed(texts))
    (result,) = run_ceats_on_source([TEST], source, CORPUS, CeatSettings(n_contexts=2, n_samples=100))
    distinct = {t for cs in result.contexts.values() for c in cs for t in c.texts}
    assert seen == [len(distinct)]  # every distinct context embedded once, in one call
    assert 0 <= result.pooled.i2 <= 1


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "core", "weat", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_cli_ceat_refuses_glove():
    out = _cli("--method", "ceat", "--tests", "6")
    assert out.returncode == 2 and out.stderr.strip().startswith("error: CEAT needs a sentence model")


@pytest.mark.slow
def test_cli_ceat_with_minilm():
    out = _cli("--model", "minilm", "--method", "ceat", "--tests", "6", "--samples", "200", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["method"] == "ceat" and doc["corpus"] == "builtin:lee-sentences" and "Guo" in doc["citation"][0]
    (row,) = doc["results"]
    assert row["test"] == "weat6" and row["samples"] == 200 and 0 <= row["I2"] <= 1 and row["SE"] > 0
    assert row["ci_low"] < row["ES"] < row["ci_high"]
    sources = {c["source"] for role in row["contexts"].values() for c in role}
    assert sources == {"corpus", "templates"}  # some names are not in the Lee corpus
