"""Adjusted p-values for a family of tests run together: Holm (1979) and Benjamini–Hochberg (1995).

Holm controls the family-wise error rate: sort the m p-values ascending, multiply the i-th smallest by
(m - i + 1), take the running maximum and cap at 1. Benjamini–Hochberg controls the false discovery rate:
multiply the i-th smallest by m / i, take the running minimum from the largest down and cap at 1.
Both give the values statsmodels' `multipletests(method="holm" | "fdr_bh")` gives.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

METHODS = ("holm", "bh")


def _sorted(p_values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1 or np.any((p < 0) | (p > 1)) or np.isnan(p).any():
        raise ValueError("p-values must be a flat list of numbers between 0 and 1.")
    order = np.argsort(p, kind="stable")
    return p[order], order


def _restore(adjusted_sorted: np.ndarray, order: np.ndarray) -> np.ndarray:
    out = np.empty_like(adjusted_sorted)
    out[order] = np.minimum(adjusted_sorted, 1.0)
    return out


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the input order."""
    p, order = _sorted(p_values)
    m = len(p)
    return _restore(np.maximum.accumulate(p * np.arange(m, 0, -1)), order) if m else p


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg step-up adjusted p-values (false discovery rate), in the input order."""
    p, order = _sorted(p_values)
    m = len(p)
    if not m:
        return p
    raw = p * m / np.arange(1, m + 1)
    return _restore(np.minimum.accumulate(raw[::-1])[::-1], order)


def adjust(p_values: Sequence[float], method: str) -> np.ndarray:
    """Adjusted p-values by 'holm' or 'bh'."""
    if method == "holm":
        return holm(p_values)
    if method == "bh":
        return benjamini_hochberg(p_values)
    raise ValueError(f"Unknown adjustment {method!r}; choose one of {', '.join(METHODS)}.")


def adjustment_note(m: int) -> str:
    """What the adjusted columns mean, in one sentence for a family of m tests."""
    return (f"Adjusted p-values treat the {m} test(s) run together as one family: p_holm (Holm 1979) keeps the "
            f"chance of any false positive among them at most α, p_bh (Benjamini–Hochberg 1995) keeps the expected "
            f"share of false positives among the results called significant at most α; compare either with α "
            f"(e.g. 0.05) as you would a single p.")
