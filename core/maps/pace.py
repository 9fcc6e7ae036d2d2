"""How long a projection will take on this machine: a prior per method, corrected by the outcomes recorded here.

The priors were measured on a quiet 2-core machine. Every finished projection records what it took
(`record`); an estimate scales the prior by the median ratio of the recent outcomes to what the prior
said for them, so a faster or slower machine corrects the estimate after a map or two.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

from core.maps.projection import MAX_FIT
from core.outcome_log import OutcomeLog

KEPT = 20  # outcomes kept per method
CORRECTION_BOUNDS = (0.2, 5.0)


@dataclass(frozen=True)
class Outcome:
    """One projection as it ran: rows, whether it paid the one-off compilation, and its seconds."""

    method: str
    n_rows: int
    seconds: float
    cold: bool = False


def prior_seconds(method: str, n_rows: int, *, cold: bool = False, max_fit: int = MAX_FIT) -> float:
    """Seconds on the reference machine (2 cores): graph, fit and placement, plus compilation when `cold`;
    `extras` is the clusters and faithfulness of a drawn map (11 s and 45 s at 50k rows)."""
    k = n_rows / 1000
    if method == "extras":
        return 0.5 + 1.1 * k
    if method == "pca":
        return 0.05 + 0.002 * k
    if method == "tsne":  # openTSNE: Barnes-Hut below 10k rows, FFT above (slower per row as it grows)
        return 3.4 * k if n_rows < 10_000 else k * max(1.0, math.sqrt(n_rows / 20_000))
    fitted, placed = min(n_rows, max_fit) / 1000, max(n_rows - max_fit, 0) / 1000
    graph = 0.1 * k if n_rows <= 10_000 else 0.17 * k + (40.0 if cold else 0.0)  # exact, or NN-descent
    return 1.0 + graph + 0.17 * fitted + 0.2 * placed + (25.0 if cold else 0.0)


def correction(method: str, outcomes: list[Outcome]) -> float:
    """The median ratio of this machine's outcomes to the prior (1 without any), within bounds."""
    ratios = [o.seconds / prior_seconds(o.method, o.n_rows, cold=o.cold) for o in outcomes if o.method == method]
    if not ratios:
        return 1.0
    return min(max(median(ratios), CORRECTION_BOUNDS[0]), CORRECTION_BOUNDS[1])


def estimate_seconds(method: str, n_rows: int, *, cold: bool = False, outcomes: list[Outcome] | None = None) -> float:
    """Expected seconds for a projection of `n_rows` here."""
    recorded = recorded_outcomes() if outcomes is None else outcomes
    return prior_seconds(method, n_rows, cold=cold) * correction(method, recorded)


LOG = OutcomeLog("projection-paces.json", Outcome, lambda outcome: outcome.method, KEPT)


def recorded_outcomes() -> list[Outcome]:
    """The outcomes recorded on this machine (none when the file is missing or unreadable)."""
    return LOG.read()


def record(outcome: Outcome) -> None:
    """Keep `outcome`, with the latest `KEPT` of its method."""
    LOG.add(outcome)
