"""WEAT statistics (Caliskan, Bryson & Narayanan, Science 2017) on arrays of vectors.

s(w, A, B) = mean cos(w, a) - mean cos(w, b)
S(X, Y)    = sum over X of s(x, A, B) - sum over Y of s(y, A, B)
d          = (mean over X of s - mean over Y of s) / std over X ∪ Y of s, sample std (ddof=1), as in the paper
p          = one-sided permutation p-value: the share of equal-size re-partitions (Xi, Yi) of X ∪ Y with
             S(Xi, Yi) >= S(X, Y). Exact (every partition, the observed one included) when there are at most
             `exact_limit` partitions; otherwise `n_permutations` random ones with a fixed seed, and
             p = (1 + hits) / (1 + n_permutations) so that a sampled p is never 0 (Phipson & Smyth, 2010).
             The paper writes P(S(Xi, Yi) > S(X, Y)); '>=' differs only by ties, i.e. by 1/partitions.
p two-sided = the same share with |S(Xi, Yi)| >= |S(X, Y)|: a bias in either direction counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np

from core.vectors import unit_rows

EXACT_LIMIT = 100_000
N_PERMUTATIONS = 10_000
SEED = 0
_TIE_TOLERANCE = 1e-10


@dataclass(frozen=True)
class WeatStatistics:
    """The numbers one WEAT test reports."""

    S: float
    d: float
    p: float
    n_permutations: int
    exact: bool
    s_x: tuple[float, ...]
    s_y: tuple[float, ...]
    p_two_sided: float = float("nan")


def _unit(vectors: np.ndarray) -> np.ndarray:
    return unit_rows(vectors, np.float64)


def association(words: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """s(w, A, B) for each row w of `words`: mean cosine with A minus mean cosine with B."""
    w = _unit(words)
    return (w @ _unit(a).T).mean(axis=1) - (w @ _unit(b).T).mean(axis=1)


def differential_association(s_x: np.ndarray, s_y: np.ndarray) -> float:
    """S(X, Y, A, B) from the per-word associations."""
    return float(np.sum(s_x) - np.sum(s_y))


def effect_size(s_x: np.ndarray, s_y: np.ndarray) -> float:
    """Cohen's-d-like effect size with the sample std (ddof=1) over X ∪ Y; NaN when that std is 0."""
    pooled = np.concatenate([s_x, s_y])
    std = float(np.std(pooled, ddof=1)) if len(pooled) > 1 else 0.0
    return float((np.mean(s_x) - np.mean(s_y)) / std) if std > 0 else float("nan")


def partition_count(n_x: int, n_y: int) -> int:
    """How many ways X ∪ Y splits into groups of sizes |X| and |Y|."""
    return comb(n_x + n_y, n_x)


def _x_sums_exact(pooled: np.ndarray, n_x: int) -> np.ndarray:
    """Sum of the associations of every possible X-side group."""
    groups = np.fromiter((i for combo in combinations(range(len(pooled)), n_x) for i in combo), dtype=np.int64)
    return pooled[groups.reshape(-1, n_x)].sum(axis=1)


def _x_sums_sampled(pooled: np.ndarray, n_x: int, n_permutations: int, seed: int) -> np.ndarray:
    """Sum of the associations of the X-side group in each of `n_permutations` random shuffles."""
    rng = np.random.default_rng(seed)
    order = rng.permuted(np.tile(np.arange(len(pooled)), (n_permutations, 1)), axis=1)
    return pooled[order[:, :n_x]].sum(axis=1)


def permutation_p_values(s_x: np.ndarray, s_y: np.ndarray, *, exact_limit: int = EXACT_LIMIT,
                         n_permutations: int = N_PERMUTATIONS, seed: int = SEED) -> tuple[float, float, int, bool]:
    """(one-sided p, two-sided p, partitions or permutations used, exact?) for S(X, Y) by chance.

    S(Xi, Yi) = 2·sum(Xi) - sum(X ∪ Y), so the X-side sums give every S(Xi, Yi).
    """
    pooled = np.concatenate([s_x, s_y]).astype(np.float64)
    total, observed = float(pooled.sum()), float(np.sum(s_x))
    count = partition_count(len(s_x), len(s_y))
    exact = count <= exact_limit
    sums = (_x_sums_exact(pooled, len(s_x)) if exact
            else _x_sums_sampled(pooled, len(s_x), n_permutations, seed))
    one = int(np.sum(sums >= observed - _TIE_TOLERANCE))
    two = int(np.sum(np.abs(2 * sums - total) >= abs(2 * observed - total) - 2 * _TIE_TOLERANCE))
    if exact:
        return one / count, two / count, count, True
    return (1 + one) / (1 + n_permutations), (1 + two) / (1 + n_permutations), n_permutations, False


def weat_statistics(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray, *,
                    exact_limit: int = EXACT_LIMIT, n_permutations: int = N_PERMUTATIONS,
                    seed: int = SEED) -> WeatStatistics:
    """S, d and the one- and two-sided p for target vectors X, Y and attribute vectors A, B (rows are elements)."""
    s_x, s_y = association(x, a, b), association(y, a, b)
    p, p_two, used, exact = permutation_p_values(s_x, s_y, exact_limit=exact_limit, n_permutations=n_permutations,
                                                 seed=seed)
    return WeatStatistics(differential_association(s_x, s_y), effect_size(s_x, s_y), p, used, exact,
                          tuple(map(float, s_x)), tuple(map(float, s_y)), p_two)
