"""Bootstrap confidence interval for the WEAT effect size d.

Each resample draws |X| elements of X, |Y| of Y, |A| of A and |B| of B with replacement (each set is
resampled within itself), and d is recomputed on the resampled sets. The interval is the percentile interval
of the resampled d: its (1 - confidence)/2 and (1 + confidence)/2 quantiles. Resamples whose associations
have no spread (d undefined) are left out. The cosines between every target and every attribute element are
computed once; a resample only reweights and indexes them, so all resamples are a few matrix products.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.vectors import unit_rows

N_BOOTSTRAP = 1_000
CONFIDENCE = 0.95
BOOTSTRAP_RANGE = (100, 100_000)
CONFIDENCE_RANGE = (0.5, 0.999)


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval for d, and the resamples it came from."""

    low: float
    high: float
    confidence: float
    n_resamples: int


def _draw_shares(rng: np.random.Generator, n: int, n_resamples: int) -> np.ndarray:
    """(n_resamples, n): the share of each of n elements in each resample of size n."""
    drawn = rng.integers(0, n, size=(n_resamples, n)) + n * np.arange(n_resamples)[:, None]
    return np.bincount(drawn.ravel(), minlength=n_resamples * n).reshape(n_resamples, n) / n


def bootstrap_effect_sizes(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray, *,
                           n_resamples: int = N_BOOTSTRAP, seed: int = 0) -> np.ndarray:
    """d on each of `n_resamples` resamples (NaN where d is undefined)."""
    rng = np.random.default_rng(seed)
    targets = unit_rows(np.vstack([x, y]), np.float64)
    cos_a, cos_b = targets @ unit_rows(a, np.float64).T, targets @ unit_rows(b, np.float64).T
    # s[w, r]: association of target element w with resample r's A and B
    s = (cos_a @ _draw_shares(rng, len(a), n_resamples).T - cos_b @ _draw_shares(rng, len(b), n_resamples).T).T
    n_x, n_y = len(x), len(y)
    s_x = np.take_along_axis(s, rng.integers(0, n_x, size=(n_resamples, n_x)), axis=1)
    s_y = np.take_along_axis(s, n_x + rng.integers(0, n_y, size=(n_resamples, n_y)), axis=1)
    std = np.concatenate([s_x, s_y], axis=1).std(axis=1, ddof=1)
    spread = std > 1e-15
    return np.where(spread, (s_x.mean(axis=1) - s_y.mean(axis=1)) / np.where(spread, std, 1.0), np.nan)


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The (1 - c)/2 and (1 + c)/2 quantiles of the finite values; NaN when there are none."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(low), float(high)


def bootstrap_interval(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray, *,
                       n_resamples: int = N_BOOTSTRAP, confidence: float = CONFIDENCE, seed: int = 0) -> Interval:
    """The percentile bootstrap interval of d for target vectors X, Y and attribute vectors A, B."""
    if not 0 < confidence < 1:
        raise ValueError("The confidence level must be between 0 and 1.")
    d = bootstrap_effect_sizes(x, y, a, b, n_resamples=n_resamples, seed=seed)
    return Interval(*percentile_interval(d, confidence), confidence, n_resamples)
