"""WEAT: hand-worked statistics, exact and sampled permutation p-values, word sets, sources, CLI parity."""
from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.audits.multiple_testing import benjamini_hochberg, holm
from core.audits.weat import (
    association,
    differential_association,
    effect_size,
    partition_count,
    permutation_p_values,
    weat_statistics,
)
from core.audits.weat_audit import WeatSettings, covered_tests, results_table, run_weat, run_weats
from core.audits.weat_sets import (
    caliskan_tests,
    parse_custom_tests,
    select_tests,
    split_words,
    typed_test,
)
from core.audits.word_sources import TemplateSource, VocabularySource, check_templates
from core.audits.word_vectors import WordVectors
from core.errors import DataError, UserError

ROOT = Path(__file__).resolve().parents[3]

# Hand-worked case: with A = {(1,0)} and B = {(0,1)}, s(w) = cos(w, a) - cos(w, b).
X = np.array([[3.0, 0.0], [0.8, 0.6]])  # s = 1 (length does not matter), 0.2
Y = np.array([[0.0, 1.0], [0.6, 0.8]])  # s = -1, -0.2
A = np.array([[1.0, 0.0]])
B = np.array([[0.0, 1.0]])


def test_association_by_hand():
    np.testing.assert_allclose(association(X, A, B), [1.0, 0.2])
    np.testing.assert_allclose(association(Y, A, B), [-1.0, -0.2])


def test_association_averages_over_attribute_words():
    a2 = np.array([[1.0, 0.0], [0.0, 1.0]])  # cos with w=(1,0): 1 and 0 -> mean 0.5
    np.testing.assert_allclose(association(np.array([[1.0, 0.0]]), a2, B), [0.5 - 0.0])


def test_statistic_effect_size_and_exact_p_by_hand():
    stats = weat_statistics(X, Y, A, B)
    assert pytest.approx(2.4) == stats.S  # (1 + 0.2) - (-1 - 0.2)
    # sample std (ddof=1) of [1, 0.2, -1, -0.2] = sqrt(2.08 / 3)
    assert stats.d == pytest.approx(1.2 / math.sqrt(2.08 / 3))
    assert stats.d != pytest.approx(1.2 / math.sqrt(2.08 / 4))  # not the population std (WEFE's convention)
    # 6 ways to split 4 words 2+2; X-side sums 1.2, 0, 0.8, -0.8, 0, -1.2: only the observed one reaches 1.2
    assert stats.exact and stats.n_permutations == 6
    assert stats.p == pytest.approx(1 / 6)


def test_reversed_targets_flip_signs():
    forward, backward = weat_statistics(X, Y, A, B), weat_statistics(Y, X, A, B)
    assert pytest.approx(-forward.S) == backward.S
    assert backward.d == pytest.approx(-forward.d)
    assert backward.p == pytest.approx(1.0)  # every partition has a sum >= the smallest one


def _brute_force_p(s_x: np.ndarray, s_y: np.ndarray) -> float:
    """Every ordering of X ∪ Y, the first |X| taken as X: each partition counted |X|!·|Y|! times."""
    pooled = np.concatenate([s_x, s_y])
    observed = differential_association(s_x, s_y)
    hits = total = 0
    for order in itertools.permutations(range(len(pooled))):
        xi, yi = pooled[list(order[: len(s_x)])], pooled[list(order[len(s_x):])]
        hits += differential_association(xi, yi) >= observed - 1e-12
        total += 1
    return hits / total


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_p_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    s_x, s_y = rng.normal(0.2, 1, 4), rng.normal(0, 1, 3)
    p, _, count, exact = permutation_p_values(s_x, s_y)
    assert exact and count == partition_count(4, 3) == 35
    assert p == pytest.approx(_brute_force_p(s_x, s_y))


def test_sampled_p_is_seeded_and_close_to_exact():
    rng = np.random.default_rng(7)
    s_x, s_y = rng.normal(0.5, 1, 8), rng.normal(0, 1, 8)
    exact_p = permutation_p_values(s_x, s_y)[0]
    sampled = permutation_p_values(s_x, s_y, exact_limit=0, n_permutations=20_000, seed=3)
    assert sampled == permutation_p_values(s_x, s_y, exact_limit=0, n_permutations=20_000, seed=3)
    assert sampled[2:] == (20_000, False)
    assert sampled[0] == pytest.approx(exact_p, abs=0.01)
    assert sampled[0] != permutation_p_values(s_x, s_y, exact_limit=0, n_permutations=20_000, seed=4)[0]


def test_sampled_p_is_never_zero():
    p, _, count, exact = permutation_p_values(np.full(20, 5.0) + np.arange(20) * 1e-3, np.zeros(20),
                                              n_permutations=500)
    assert not exact and count == 500
    assert p == pytest.approx(1 / 501)


def test_effect_size_is_nan_without_spread():
    assert math.isnan(effect_size(np.array([0.3, 0.3]), np.array([0.3])))


def test_caliskan_sets_ship_with_citation():
    doc = json.loads((ROOT / "core" / "audits" / "data" / "weat_caliskan2017.json").read_text(encoding="utf-8"))
    assert "Caliskan" in doc["citation"] and "Science" in doc["citation"]
    tests = caliskan_tests()
    assert [t.id for t in tests] == [f"weat{i}" for i in range(1, 11)]
    assert [t.paper_effect_size for t in tests] == [1.50, 1.53, 1.41, 1.50, 1.28, 1.81, 1.06, 1.24, 1.38, 1.21]
    sizes = {t.id: (len(t.X.words), len(t.Y.words), len(t.A.words), len(t.B.words)) for t in tests}
    assert sizes["weat1"] == (25, 25, 25, 25)
    assert sizes["weat3"] == (32, 32, 25, 25)  # the names the paper used after its exclusions
    assert sizes["weat6"] == (8, 8, 8, 8) and sizes["weat9"] == (6, 6, 7, 7)
    assert "aster" in tests[0].X.words and "John" in tests[5].X.words and "Einstein" in tests[7].X.words


def test_select_tests():
    assert [t.id for t in select_tests(["6", "weat7"])] == ["weat6", "weat7"]
    assert len(select_tests("all")) == 10
    with pytest.raises(DataError, match="Unknown WEAT test '11'"):
        select_tests(["11"])


def test_custom_tests_from_json_and_typed():
    text = json.dumps({"tests": [{"title": "t", "X": ["a", "b"], "Y": {"name": "Why", "words": ["c"]},
                                  "A": ["d"], "B": ["e", "e", " "]}]})
    (test,) = parse_custom_tests(text)
    assert test.Y.name == "Why" and test.B.words == ("e",) and test.X.name == "target X"
    typed = typed_test("mine", {"X": "Xs"}, {"X": "a, b\nc", "Y": "d", "A": "e", "B": "f"})
    assert typed.X.words == ("a", "b", "c") and typed.X.name == "Xs"
    assert split_words("a, b;c\n\n a") == ("a", "b", "c")


@pytest.mark.parametrize("text, needle", [("{not json", "not valid JSON"),
                                          ('{"X": ["a"], "Y": ["b"], "A": ["c"]}', "lacks set(s) B"),
                                          ('{"X": [], "Y": ["b"], "A": ["c"], "B": ["d"]}', "set X is empty")])
def test_custom_tests_errors_name_the_problem(text, needle):
    with pytest.raises(DataError, match=re.escape(needle)):
        parse_custom_tests(text)


def _toy_source() -> VocabularySource:
    words = ["x1", "x2", "y1", "y2", "a", "b"]
    return VocabularySource(WordVectors(words, np.vstack([X, Y, A, B]).astype(np.float32), label="toy"))


def test_run_weat_reports_missing_words_and_sets_used():
    test = typed_test("toy", {}, {"X": "x1, X2, nope", "Y": "y1, y2", "A": "a", "B": "b, zilch"})
    result = run_weat(test, _toy_source())
    assert result.missing == {"X": ["nope"], "Y": [], "A": [], "B": ["zilch"]}
    assert result.used["X"] == ["x1", "X2"]  # 'X2' found through its lower case
    assert pytest.approx(2.4) == result.stats.S and result.stats.p == pytest.approx(1 / 6)
    row = results_table([result]).iloc[0]
    assert row["missing"] == "nope; zilch" and row["permutations"] == 6 and row["p_method"] == "exact"


def test_run_weat_explains_an_empty_set():
    test = typed_test("toy", {"A": "Pleasant"}, {"X": "x1, x2", "Y": "y1", "A": "nothing, here", "B": "b"})
    with pytest.raises(UserError, match="no word of set A \\(Pleasant\\)"):
        run_weat(test, _toy_source())


def test_tests_the_source_does_not_cover_are_left_out_with_a_sentence():
    good = typed_test("good", {}, {"X": "x1, x2", "Y": "y1, y2", "A": "a", "B": "b"})
    bad = typed_test("bad", {"A": "Pleasant"}, {"X": "x1, x2", "Y": "y1", "A": "nothing, here", "B": "b"})
    covered, skipped = covered_tests([good, bad], _toy_source())
    assert covered == [good] and len(skipped) == 1 and "no word of set A (Pleasant)" in skipped[0]
    assert [r.test for r in run_weats(covered, _toy_source())] == [good]
    with pytest.raises(UserError, match="No chosen test can run"):
        covered_tests([bad, bad], _toy_source())
    with pytest.raises(UserError, match="no word of set A"):
        covered_tests([bad], _toy_source())


def test_templates_need_the_placeholder():
    assert check_templates(["This is [word].", " "]) == ("This is [word].",)
    with pytest.raises(UserError, match="no \\[word\\] placeholder"):
        check_templates(["This is it."])


def test_glove_weat_matches_paper_signs():
    """GloVe 6B 50d: every one of the ten tests has the sign the paper found (smaller numbers are expected)."""
    from core.audits.word_sources import make_source

    results = run_weats(caliskan_tests(), make_source("glove-6b-50d"))
    d = np.array([r.stats.d for r in results])
    assert (d > 0).all(), d
    weat6 = results[5]
    assert weat6.stats.exact and weat6.stats.n_permutations == 12_870
    assert results[0].missing["X"] == ["gladiola"]  # not in GloVe 6B
    assert results[0].stats.n_permutations == 10_000 and not results[0].stats.exact


@pytest.mark.slow
def test_sentence_model_path_runs_with_minilm(tmp_path, monkeypatch):
    """SEAT-style: every word in every template; each sentence is one element of its set."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    source = TemplateSource("minilm", ["This is [word].", "Here is [word]."])
    elements = source.weat_elements(["love", "war"])
    assert elements.labels == ["This is love.", "Here is love.", "This is war.", "Here is war."]
    assert elements.vectors.shape == (4, 384)
    result = run_weat(select_tests(["6"])[0], source, WeatSettings(n_permutations=2_000))
    assert result.n_elements == {"X": 16, "Y": 16, "A": 16, "B": 16}
    assert not result.stats.exact and result.stats.n_permutations == 2_000
    assert np.isfinite(result.stats.d) and 0 < result.stats.p <= 1
    assert source.word_vectors(["love"]).vectors.shape == (1, 384)


def test_cli_json_equals_core():
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "core", "weat", "--tests", "6", "9", "--format", "json"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    from core.audits.word_sources import make_source

    expected = run_weats(select_tests(["6", "9"]), make_source("glove-6b-50d"))
    assert [r["test"] for r in doc["results"]] == ["weat6", "weat9"]
    for got, want in zip(doc["results"], expected):
        assert got["S"] == pytest.approx(want.stats.S, abs=1e-12)
        assert got["d"] == pytest.approx(want.stats.d, abs=1e-12)
        assert got["p"] == want.stats.p and got["permutations"] == want.stats.n_permutations
        assert got["used"] == want.used and got["missing"] == want.missing
        assert got["p_two_sided"] == want.stats.p_two_sided
        assert (got["d_ci_low"], got["d_ci_high"]) == pytest.approx((want.interval.low, want.interval.high), abs=1e-12)
        assert got["d_ci_low"] < got["d"] < got["d_ci_high"]
    p = [r.stats.p for r in expected]
    assert [r["p_holm"] for r in doc["results"]] == pytest.approx(list(holm(p)))
    assert [r["p_bh"] for r in doc["results"]] == pytest.approx(list(benjamini_hochberg(p)))
    assert "sample standard deviation" in doc["conventions"] and "bootstrap" in doc["conventions"]
    assert doc["settings"]["bootstrap"] == 1_000 and doc["settings"]["confidence"] == 0.95


def test_cli_csv_and_error():
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ok = subprocess.run([sys.executable, "-m", "core", "weat", "--tests", "1", "--format", "csv"], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=600)
    assert ok.returncode == 0, ok.stderr
    header, row = ok.stdout.strip().splitlines()
    columns = header.split(",")
    assert columns[:2] == ["test", "title"] and {"S", "d", "p", "permutations", "missing"} <= set(columns)
    assert {"d_ci_low", "d_ci_high", "p_two_sided", "p_holm", "p_bh"} <= set(columns)
    assert row.startswith("weat1,") and "gladiola" in row and ",10000,sampled," in row
    bad = subprocess.run([sys.executable, "-m", "core", "weat", "--tests", "12"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0 and bad.stderr.strip().startswith("error: Unknown WEAT test '12'")
    assert len(bad.stderr.strip().splitlines()) == 1
