"""WEAT tests run against a word source: the sets as used, missing words, statistics and tables."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.audits.weat import (
    EXACT_LIMIT,
    N_PERMUTATIONS,
    SEED,
    WeatStatistics,
    weat_statistics,
)
from core.audits.weat_sets import ROLES, WeatTest
from core.audits.word_sources import Elements, WordSource
from core.errors import UserError


@dataclass(frozen=True)
class WeatSettings:
    """How p-values are computed; hashable so results can be cached by settings."""

    exact_limit: int = EXACT_LIMIT
    n_permutations: int = N_PERMUTATIONS
    seed: int = SEED


@dataclass
class WeatResult:
    test: WeatTest
    stats: WeatStatistics
    used: dict[str, list[str]]
    missing: dict[str, list[str]]
    n_elements: dict[str, int]

    @property
    def all_missing(self) -> list[str]:
        return [w for role in ROLES for w in self.missing[role]]

    def row(self) -> dict[str, Any]:
        """One line of the results table (the same columns in the UI, the CSV and the CLI)."""
        t, s = self.test, self.stats
        return {"test": t.id, "title": t.title, "X": t.X.name, "Y": t.Y.name, "A": t.A.name, "B": t.B.name,
                **{f"n_{r}": self.n_elements[r] for r in ROLES}, "S": s.S, "d": s.d, "p": s.p,
                "permutations": s.n_permutations, "p_method": "exact" if s.exact else "sampled",
                "missing": "; ".join(self.all_missing), "paper_d": t.paper_effect_size}

    def as_dict(self) -> dict[str, Any]:
        """The row plus the sets as actually used and the missing words per set (for JSON)."""
        row = self.row()
        row["missing"] = self.missing
        row["used"] = self.used
        row["d"] = None if math.isnan(self.stats.d) else self.stats.d
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


def run_weat(test: WeatTest, source: WordSource, settings: WeatSettings = WeatSettings()) -> WeatResult:
    """S, d and p for one test on one source; words the source lacks are left out and reported."""
    el = _elements(source, test)
    stats = weat_statistics(el["X"].vectors, el["Y"].vectors, el["A"].vectors, el["B"].vectors,
                            exact_limit=settings.exact_limit, n_permutations=settings.n_permutations,
                            seed=settings.seed)
    return WeatResult(test, stats, used={r: e.used_words for r, e in el.items()},
                      missing={r: e.missing for r, e in el.items()},
                      n_elements={r: len(e.labels) for r, e in el.items()})


def run_weats(tests: Sequence[WeatTest], source: WordSource,
              settings: WeatSettings = WeatSettings()) -> list[WeatResult]:
    return [run_weat(test, source, settings) for test in tests]


def results_table(results: Sequence[WeatResult]) -> pd.DataFrame:
    """One row per test: names, set sizes, S, d, p, how p was computed, missing words, the paper's d."""
    return pd.DataFrame([r.row() for r in results])


def sets_table(result: WeatResult) -> pd.DataFrame:
    """The sets of one test as actually used, with the words left out."""
    return pd.DataFrame([{"set": role, "name": result.test.sets()[role].name,
                          "used": ", ".join(result.used[role]), "missing": ", ".join(result.missing[role])}
                         for role in ROLES])


def p_value_note(settings: WeatSettings) -> str:
    """How the p-values were computed, in one sentence."""
    return (f"One-sided permutation p-values: exact over every re-partition of X ∪ Y when there are at most "
            f"{settings.exact_limit:,}, otherwise {settings.n_permutations:,} random permutations (seed "
            f"{settings.seed}), p = (1 + hits) / (1 + permutations). Effect size d uses the sample standard "
            f"deviation (ddof=1) over X ∪ Y, as in Caliskan et al. (2017).")


def before_after(tests: Sequence[WeatTest], before: WordSource, after: WordSource,
                 settings: WeatSettings = WeatSettings()) -> pd.DataFrame:
    """WEAT d and p for each test on two sources (e.g. original and neutralised), side by side."""
    rows = []
    for test in tests:
        b, a = run_weat(test, before, settings), run_weat(test, after, settings)
        rows.append({"test": test.id, "title": test.title, "d before": b.stats.d, "d after": a.stats.d,
                     "p before": b.stats.p, "p after": a.stats.p})
    return pd.DataFrame(rows, columns=["test", "title", "d before", "d after", "p before", "p after"])
