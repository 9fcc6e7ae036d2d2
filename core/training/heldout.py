"""The held-out evaluation of a fine-tuning run: retrieval among the held-out pairs, and for scored pairs the
Spearman correlation between each pair's cosine and its score."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.evaluation.retrieval import RetrievalResult, rank_queries
from core.training.pairs import PairSet

POSITIVE_SCORE = 0.5  # a scored pair counts as a positive for retrieval from half its scaled range up
CONVENTIONS = ("Retrieval: each held-out anchor searches its positive among all held-out positives (cosine); of "
               f"scored pairs, those scoring at least {POSITIVE_SCORE} of the scaled 0-1 range are the positives. "
               "Spearman: the rank correlation between each held-out pair's cosine and its score.")

Encode = Callable[[list[str]], np.ndarray]


@dataclass
class HeldOut:
    """Figures on the held-out pairs: retrieval (None without a positive) and, for scored pairs, the
    Spearman correlation of cosine and score (None otherwise) and the number of pairs each is measured on."""

    retrieval: RetrievalResult | None
    spearman: float | None = None
    retrieval_pairs: int = 0
    scored_pairs: int = 0

    def metrics(self) -> dict[str, float]:
        """Each figure by name: the retrieval metrics, then `spearman` for scored pairs."""
        out = self.retrieval.metrics() if self.retrieval is not None else {}
        return out | ({} if self.spearman is None else {"spearman": self.spearman})


def retrieval_pairs(held: PairSet) -> PairSet:
    """The pairs retrieval is measured on: all of them, or the scored pairs that count as positives."""
    if held.scores is None:
        return held
    return held.take(np.flatnonzero(held.scores >= POSITIVE_SCORE))


def spearman(first: np.ndarray, second: np.ndarray, scores: np.ndarray) -> float | None:
    """Spearman's rho between the rows' cosines and the scores (None when either side is constant)."""
    from scipy.stats import spearmanr

    cosines = np.sum(first * second, axis=1) / np.maximum(
        np.linalg.norm(first, axis=1) * np.linalg.norm(second, axis=1), 1e-12)
    if len(scores) < 3 or np.ptp(scores) == 0 or np.ptp(cosines) == 0:
        return None
    return float(spearmanr(cosines, scores).statistic)


def evaluate(held: PairSet, encode: Encode) -> HeldOut:
    """The held-out figures with the vectors `encode` gives."""
    positives = retrieval_pairs(held)
    ranked = rank_queries(encode(positives.anchors), encode(positives.positives)) if len(positives) else None
    if held.scores is None:
        return HeldOut(ranked, retrieval_pairs=len(positives))
    rho = spearman(encode(held.anchors), encode(held.positives), held.scores)
    return HeldOut(ranked, rho, len(positives), len(held))
