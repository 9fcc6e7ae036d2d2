"""WEAT tests run against a word source: the sets as used, missing words, statistics and tables."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.audits.multiple_testing import benjamini_hochberg, holm
from core.audits.weat import (
    EXACT_LIMIT,
    N_PERMUTATIONS,
    SEED,
    WeatStatistics,
    weat_statistics,
)
from core.audits.weat_bootstrap import CONFIDENCE, N_BOOTSTRAP, Interval, bootstrap_interval
from core.audits.weat_sets import ROLES, WeatTest
from core.audits.word_sources import Elements, WordSource
from core.errors import UserError


@dataclass(frozen=True)
class WeatSettings:
    """How p-values and intervals are computed; hashable so results can be cached by settings."""

    exact_limit: int = EXACT_LIMIT
    n_permutations: int = N_PERMUTATIONS
    seed: int = SEED
    n_bootstrap: int = N_BOOTSTRAP
    confidence: float = CONFIDENCE


@dataclass
class WeatResult:
    test: WeatTest
    stats: WeatStatistics
    used: dict[str, list[str]]
    missing: dict[str, list[str]]
    n_elements: dict[str, int]
    interval: Interval
    p_holm: float = math.nan
    p_bh: float = math.nan

    @property
    def all_missing(self) -> list[str]:
        return [w for role in ROLES for w in self.missing[role]]

    def row(self) -> dict[str, Any]:
        """One line of the results table (the same columns in the UI, the CSV and the CLI)."""
        t, s = self.test, self.stats
        return {"test": t.id, "title": t.title, "X": t.X.name, "Y": t.Y.name, "A": t.A.name, "B": t.B.name,
                **{f"n_{r}": self.n_elements[r] for r in ROLES}, "S": s.S, "d": s.d,
                "d_ci_low": self.interval.low, "d_ci_high": self.interval.high, "p": s.p,
                "p_two_sided": s.p_two_sided, "p_holm": self.p_holm, "p_bh": self.p_bh,
                "permutations": s.n_permutations, "p_method": "exact" if s.exact else "sampled",
                "missing": "; ".join(self.all_missing), "paper_d": t.paper_effect_size}

    def as_dict(self) -> dict[str, Any]:
        """The row plus the sets as actually used and the missing words per set (for JSON)."""
        row = self.row()
        row["missing"] = self.missing
        row["used"] = self.used
        for key in ("d", "d_ci_low", "d_ci_high", "p_holm", "p_bh"):
            row[key] = None if math.isnan(row[key]) else row[key]
        return row


def _elements(source: WordSource, test: WeatTest) -> dict[str, Elements]:
    elements = {role: source.weat_elements(test.sets()[role].words) for role in ROLES}
    for role, found in elements.items():
        if len(found.vectors) == 0:
            raise UserError(f"WEAT '{test.title}': no word of set {role} ({test.sets()[role].name}) is in the "
                            f"vocabulary of {source.label}.")
    if len(elements["X"].vectors) + len(elements["Y"].vectors) < 3:
        raise UserError(f"WEAT '{test.title}': the two target sets need at least three known words together.")
    return elements


def covered_tests(tests: Sequence[WeatTest], source: WordSource) -> tuple[list[WeatTest], list[str]]:
    """The tests whose word sets the source knows enough of, and one sentence for each test left out.

    One test, or none covered, raises the first test's sentence: there is nothing to run without it.
    """
    covered, skipped = [], []
    for test in tests:
        try:
            _elements(source, test)
        except UserError as err:
            if len(tests) == 1:
                raise
            skipped.append(f"{err} The test was left out.")
        else:
            covered.append(test)
    if not covered and skipped:
        raise UserError(skipped[0].removesuffix(" The test was left out.") + " No chosen test can run.")
    return covered, skipped


def run_weat(test: WeatTest, source: WordSource, settings: WeatSettings = WeatSettings()) -> WeatResult:
    """S, d, its bootstrap interval and p for one test; words the source lacks are left out and reported.

    Alone, a test is its own family: its adjusted p-values equal its one-sided p.
    """
    el = _elements(source, test)
    vectors = [el[r].vectors for r in ROLES]
    stats = weat_statistics(*vectors, exact_limit=settings.exact_limit, n_permutations=settings.n_permutations,
                            seed=settings.seed)
    interval = bootstrap_interval(*vectors, n_resamples=settings.n_bootstrap, confidence=settings.confidence,
                                  seed=settings.seed)
    return WeatResult(test, stats, used={r: e.used_words for r, e in el.items()},
                      missing={r: e.missing for r, e in el.items()},
                      n_elements={r: len(e.labels) for r, e in el.items()}, interval=interval,
                      p_holm=stats.p, p_bh=stats.p)


def run_weats(tests: Sequence[WeatTest], source: WordSource,
              settings: WeatSettings = WeatSettings()) -> list[WeatResult]:
    """Every test, with Holm and Benjamini–Hochberg adjusted p-values across them."""
    results = [run_weat(test, source, settings) for test in tests]
    p = [r.stats.p for r in results]
    for result, p_holm, p_bh in zip(results, holm(p), benjamini_hochberg(p)):
        result.p_holm, result.p_bh = float(p_holm), float(p_bh)
    return results


def results_table(results: Sequence[WeatResult]) -> pd.DataFrame:
    """One row per test: names, set sizes, S, d, p, how p was computed, missing words, the paper's d."""
    return pd.DataFrame([r.row() for r in results])


def sets_table(result: WeatResult) -> pd.DataFrame:
    """The sets of one test as actually used, with the words left out."""
    return pd.DataFrame([{"set": role, "name": result.test.sets()[role].name,
                          "used": ", ".join(result.used[role]), "missing": ", ".join(result.missing[role])}
                         for role in ROLES])


def p_value_note(settings: WeatSettings) -> str:
    """How the p-values and intervals were computed."""
    return (f"Permutation p-values: exact over every re-partition of X ∪ Y when there are at most "
            f"{settings.exact_limit:,}, otherwise {settings.n_permutations:,} random permutations (seed "
            f"{settings.seed}), p = (1 + hits) / (1 + permutations). p is one-sided, the paper's "
            f"P(S(Xi, Yi, A, B) > S(X, Y, A, B)) (counted with ≥); p_two_sided counts |S(Xi, Yi, A, B)| ≥ "
            f"|S(X, Y, A, B)|. p_holm and p_bh adjust the one-sided p across the tests run together. Effect size d "
            f"uses the sample standard deviation (ddof=1) over X ∪ Y, as in Caliskan et al. (2017); "
            f"[d_ci_low, d_ci_high] is the {settings.confidence:.0%} percentile bootstrap interval of d from "
            f"{settings.n_bootstrap:,} resamples (seed {settings.seed}), each drawing X, Y, A and B with "
            f"replacement within themselves.")


def before_after(tests: Sequence[WeatTest], before: WordSource, after: WordSource,
                 settings: WeatSettings = WeatSettings()) -> pd.DataFrame:
    """WEAT d and p for each test on two sources (e.g. original and neutralised), side by side."""
    rows = []
    for test in tests:
        b, a = run_weat(test, before, settings), run_weat(test, after, settings)
        rows.append({"test": test.id, "title": test.title, "d before": b.stats.d, "d after": a.stats.d,
                     "p before": b.stats.p, "p after": a.stats.p})
    return pd.DataFrame(rows, columns=["test", "title", "d before", "d after", "p before", "p after"])
