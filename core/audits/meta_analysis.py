"""Random-effects meta-analysis with the DerSimonian–Laird estimate of the between-sample variance.

For effect sizes es_i with within-sample variances v_i (i = 1..k):
    w_i  = 1 / v_i
    Q    = Σ w_i es_i² - (Σ w_i es_i)² / Σ w_i                    (heterogeneity, df = k - 1)
    τ²   = (Q - df) / (Σ w_i - Σ w_i² / Σ w_i)  when Q > df, else 0   (DerSimonian & Laird, 1986)
    w*_i = 1 / (v_i + τ²)
    ES   = Σ w*_i es_i / Σ w*_i,  SE = sqrt(1 / Σ w*_i),  z = ES / SE
    CI   = ES ± z_(1+c)/2 · SE,   I² = (Q - df) / Q when Q > df, else 0   (Higgins & Thompson, 2002)
p is one-sided, P(Z ≥ z) under the standard normal, as in CEAT (Guo & Caliskan, 2021); p_two_sided = 2·P(Z ≥ |z|).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

CONFIDENCE = 0.95


@dataclass(frozen=True)
class RandomEffects:
    """The pooled effect size and what describes it."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    p_two_sided: float
    q: float
    tau2: float
    i2: float
    k: int


def normal_sf(z: float) -> float:
    """P(Z ≥ z) for a standard normal Z, accurate far into the tail."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def dersimonian_laird_tau2(effects: np.ndarray, variances: np.ndarray) -> tuple[float, float]:
    """(τ², Q): the between-sample variance estimate and Cochran's Q."""
    w = 1.0 / variances
    q = float(np.sum(w * effects**2) - np.sum(w * effects) ** 2 / np.sum(w))
    df = len(effects) - 1
    if q <= df:
        return 0.0, q
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    return (q - df) / c, q


def random_effects(effects: npt.ArrayLike, variances: npt.ArrayLike, *,
                   confidence: float = CONFIDENCE) -> RandomEffects:
    """Pool effect sizes under a random-effects model (inverse-variance weights, DerSimonian–Laird τ²)."""
    es, v = np.asarray(effects, dtype=np.float64), np.asarray(variances, dtype=np.float64)
    if len(es) < 2 or len(es) != len(v) or not (v > 0).all() or not np.isfinite(es).all():
        raise ValueError("Pooling needs at least two finite effect sizes, each with a positive variance.")
    tau2, q = dersimonian_laird_tau2(es, v)
    w = 1.0 / (v + tau2)
    estimate = float(np.sum(w * es) / np.sum(w))
    se = math.sqrt(1.0 / float(np.sum(w)))
    z = estimate / se
    half = NormalDist().inv_cdf((1 + confidence) / 2) * se
    df = len(es) - 1
    i2 = (q - df) / q if q > df else 0.0
    return RandomEffects(estimate, se, estimate - half, estimate + half, z, normal_sf(z), 2 * normal_sf(abs(z)),
                         q, tau2, i2, len(es))
