"""WEAT statistics beyond d and p: two-sided p, bootstrap intervals, Holm/BH adjustment, random-effects pooling."""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from core.audits.meta_analysis import random_effects
from core.audits.multiple_testing import adjust, benjamini_hochberg, holm
from core.audits.weat import association, effect_size, permutation_p_values, weat_statistics
from core.audits.weat_bootstrap import bootstrap_effect_sizes, bootstrap_interval

X = np.array([[3.0, 0.0], [0.8, 0.6]])  # s = 1, 0.2 (as in test_weat.py)
Y = np.array([[0.0, 1.0], [0.6, 0.8]])  # s = -1, -0.2
A = np.array([[1.0, 0.0]])
B = np.array([[0.0, 1.0]])


def test_two_sided_p_by_hand():
    # X-side sums of the 6 partitions: 1.2, 0, 0.8, -0.8, 0, -1.2; S = 2·sum - 0, so |S| = 2.4, 0, 1.6, 1.6, 0, 2.4
    stats = weat_statistics(X, Y, A, B)
    assert stats.p == pytest.approx(1 / 6) and stats.p_two_sided == pytest.approx(2 / 6)
    assert weat_statistics(Y, X, A, B).p_two_sided == pytest.approx(2 / 6)  # the sign does not matter


@pytest.mark.parametrize("seed", [4, 5])
def test_two_sided_p_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    s_x, s_y = rng.normal(0.3, 1, 4), rng.normal(0, 1, 4)
    observed = abs(s_x.sum() - s_y.sum())
    pooled = np.concatenate([s_x, s_y])
    splits = list(itertools.combinations(range(8), 4))
    hits = sum(abs(pooled[list(c)].sum() - np.delete(pooled, list(c)).sum()) >= observed - 1e-12 for c in splits)
    one, two, count, exact = permutation_p_values(s_x, s_y)
    assert exact and count == len(splits) == 70
    assert two == pytest.approx(hits / 70)
    sampled = permutation_p_values(s_x, s_y, exact_limit=0, n_permutations=20_000, seed=1)
    assert sampled[1] == pytest.approx(two, abs=0.015) and not sampled[3]


def _sets(rng: np.random.Generator, n: int, dim: int = 6) -> tuple[np.ndarray, ...]:
    """Targets X leaning to A and Y leaning to B, n elements each."""
    axis = np.eye(dim)[0]
    return (rng.normal(0, 1, (n, dim)) + 0.6 * axis, rng.normal(0, 1, (n, dim)) - 0.6 * axis,
            rng.normal(0, 1, (n, dim)) + axis, rng.normal(0, 1, (n, dim)) - axis)


def test_bootstrap_equals_plain_resampling():
    """The vectorised resamples are the plain definition: draw each set with replacement, recompute d."""
    x, y, a, b = _sets(np.random.default_rng(0), 7)
    got = bootstrap_effect_sizes(x, y, a, b, n_resamples=50, seed=3)
    rng = np.random.default_rng(3)  # the draws in the order the function makes them
    ia, ib = rng.integers(0, 7, (50, 7)), rng.integers(0, 7, (50, 7))
    ix, iy = rng.integers(0, 7, (50, 7)), rng.integers(0, 7, (50, 7))
    want = [effect_size(association(x[ix[r]], a[ia[r]], b[ib[r]]), association(y[iy[r]], a[ia[r]], b[ib[r]]))
            for r in range(50)]
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_bootstrap_interval_holds_the_estimate_and_shrinks_with_larger_sets():
    widths = []
    for n in (8, 32, 128):
        x, y, a, b = _sets(np.random.default_rng(n), n)
        d = weat_statistics(x, y, a, b, exact_limit=0, n_permutations=100).d
        interval = bootstrap_interval(x, y, a, b, seed=1)
        assert interval.low < d < interval.high and interval.n_resamples == 1_000
        widths.append(interval.high - interval.low)
    assert widths[0] > widths[1] > widths[2], widths


def test_bootstrap_is_seeded_and_level_widens_it():
    x, y, a, b = _sets(np.random.default_rng(9), 10)
    first, again = bootstrap_interval(x, y, a, b, seed=2), bootstrap_interval(x, y, a, b, seed=2)
    assert first == again and first != bootstrap_interval(x, y, a, b, seed=5)
    wide = bootstrap_interval(x, y, a, b, seed=2, confidence=0.99)
    assert wide.low <= first.low and wide.high >= first.high


P_SETS = [np.random.default_rng(1).uniform(0, 1, 10), np.random.default_rng(2).uniform(0, 0.1, 25),
          np.array([0.01, 0.04, 0.04, 0.04, 0.2, 0.01, 0.5, 0.5, 1.0, 0.0]),  # ties, a 0 and a 1
          np.array([0.03]), np.array([0.02, 0.02])]


@pytest.mark.parametrize("p", P_SETS)
@pytest.mark.parametrize("ours, theirs", [(holm, "holm"), (benjamini_hochberg, "fdr_bh")])
def test_adjusted_p_equal_statsmodels(p, ours, theirs):
    np.testing.assert_allclose(ours(p), multipletests(p, method=theirs)[1], rtol=0, atol=1e-15)


def test_adjust_by_name_and_errors():
    p = [0.01, 0.02, 0.03]
    np.testing.assert_allclose(adjust(p, "holm"), [0.03, 0.04, 0.04])  # 3·0.01, max(0.03, 2·0.02), max(0.04, 0.03)
    np.testing.assert_allclose(adjust(p, "bh"), [0.03, 0.03, 0.03])
    assert len(holm([])) == 0
    with pytest.raises(ValueError, match="between 0 and 1"):
        holm([0.5, 1.5])
    with pytest.raises(ValueError, match="Unknown adjustment"):
        adjust(p, "bonferroni-ish")


def test_dersimonian_laird_by_hand():
    """Five samples worked out with fractions: w = 1/v, Q, C, τ², I², then the weights 1/(v + τ²)."""
    es = [Fraction(10, 100), Fraction(30, 100), Fraction(35, 100), Fraction(65, 100), Fraction(45, 100)]
    v = [Fraction(3, 100), Fraction(3, 100), Fraction(5, 100), Fraction(1, 100), Fraction(5, 100)]
    w = [1 / vi for vi in v]  # 100/3, 100/3, 20, 100, 20
    assert sum(w) == Fraction(620, 3) and sum(wi * e for wi, e in zip(w, es)) == Fraction(283, 3)
    assert sum(wi * e * e for wi, e in zip(w, es)) == Fraction(625, 12)
    q = Fraction(625, 12) - Fraction(283, 3) ** 2 / Fraction(620, 3)
    assert q == Fraction(8393, 930)  # ≈ 9.0247 > df = 4, so τ² > 0
    c = sum(w) - sum(wi * wi for wi in w) / sum(w)
    assert c == Fraction(13360, 93)
    tau2 = (q - 4) / c
    assert tau2 == Fraction(4673, 133600)  # ≈ 0.034978
    w_star = [1 / (vi + tau2) for vi in v]
    pooled = sum(ws * e for ws, e in zip(w_star, es)) / sum(w_star)
    se = math.sqrt(1 / sum(w_star))
    got = random_effects([float(e) for e in es], [float(x) for x in v])
    assert got.q == pytest.approx(float(q)) and got.tau2 == pytest.approx(float(tau2))
    assert got.i2 == pytest.approx(4673 / 8393)  # (Q - df) / Q
    assert got.estimate == pytest.approx(float(pooled)) and got.estimate == pytest.approx(0.392193, abs=1e-6)
    assert got.se == pytest.approx(se) and got.se == pytest.approx(0.114296, abs=1e-6)
    assert got.ci_low == pytest.approx(float(pooled) - 1.959964 * se, abs=1e-6)
    assert got.z == pytest.approx(float(pooled) / se)
    assert got.p == pytest.approx(0.5 * math.erfc(got.z / math.sqrt(2))) and got.p == pytest.approx(3.0026e-4, rel=1e-3)
    assert got.p_two_sided == pytest.approx(2 * got.p) and got.k == 5


def test_homogeneous_samples_have_no_between_variance():
    got = random_effects([0.5, 0.52, 0.48], [0.1, 0.1, 0.1])  # Q = 0.008 < df = 2
    assert got.tau2 == 0 and got.i2 == 0
    assert got.estimate == pytest.approx(0.5) and got.se == pytest.approx(math.sqrt(0.1 / 3))
    with pytest.raises(ValueError, match="at least two"):
        random_effects([0.5], [0.1])
