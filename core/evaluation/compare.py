"""Comparing models: side-by-side tables with seeded bootstrap intervals over the same points, overlap in words,
per-point agreement."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.evaluation import retrieval

if TYPE_CHECKING:
    from core.evaluation.evaluate import LabelEvaluation
    from core.evaluation.word_similarity import WordSimResult

N_BOOTSTRAP = 1000
BOOT_SEED = 0
LEVEL = 0.95
CONVENTIONS = (f"Intervals: {LEVEL:.0%} percentile bootstrap over the evaluated points (rows, queries or word "
               f"pairs), {N_BOOTSTRAP:,} resamples with seed {BOOT_SEED}; every model is resampled with the same "
               "draws, so the intervals describe the same points.")
Statistic = Callable[[np.ndarray], float]


def bootstrap_interval(n: int, statistic: Statistic, *, n_boot: int = N_BOOTSTRAP,
                       seed: int = BOOT_SEED, level: float = LEVEL) -> tuple[float, float]:
    """Percentile interval of `statistic(rows)` over `n_boot` resamples of range(n) with replacement."""
    rng = np.random.default_rng(seed)
    values = np.array([statistic(rng.integers(0, n, n)) for _ in range(n_boot)])
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


def mean_statistic(values: np.ndarray) -> Statistic:
    values = np.asarray(values, dtype=np.float64)
    return lambda rows: float(values[rows].mean())


def accuracy_statistic(labels: np.ndarray, predictions: np.ndarray) -> Statistic:
    correct = np.asarray(labels) == np.asarray(predictions)
    return lambda rows: float(correct[rows].mean())


def macro_f1_statistic(labels: np.ndarray, predictions: np.ndarray) -> Statistic:
    """Macro-F1 of a resample, over the labels present in it (as scikit-learn's f1_score does)."""
    classes, y = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    lookup = {c: i for i, c in enumerate(classes)}
    p = np.array([lookup.get(v, -1) for v in np.asarray(predictions, dtype=str)])
    k = len(classes)

    def statistic(rows: np.ndarray) -> float:
        true, pred = y[rows], p[rows]
        tp = np.bincount(true[true == pred], minlength=k)
        support = np.bincount(true, minlength=k)
        predicted = np.bincount(pred[pred >= 0], minlength=k)
        present = (support + predicted) > 0
        denom = support + predicted
        f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
        return float(f1[present].mean())
    return statistic


def spearman_statistic(gold: np.ndarray, model: np.ndarray) -> Statistic:
    from scipy import stats

    used = np.isfinite(model)
    g, m = np.asarray(gold)[used], np.asarray(model)[used]
    return lambda rows: float(stats.spearmanr(g[rows], m[rows])[0])


def with_intervals(table: pd.DataFrame, statistics: Mapping[tuple[int, str], tuple[int, Statistic]]) -> pd.DataFrame:
    """The table with `<metric>_low` / `<metric>_high` columns: statistics[(row, metric)] = (n points, statistic)."""
    out = table.copy()
    for (row, metric), (n, statistic) in statistics.items():
        low, high = bootstrap_interval(n, statistic)
        out.loc[row, f"{metric}_low"], out.loc[row, f"{metric}_high"] = low, high
    return out


def overlap_sentences(table: pd.DataFrame, metric: str, *, name_column: str = "model") -> list[str]:
    """One plain sentence per pair of models whose intervals on `metric` overlap (or do not)."""
    low, high = f"{metric}_low", f"{metric}_high"
    if low not in table or len(table) < 2:
        return []
    rows = table.sort_values(metric, ascending=False).to_dict("records")
    sentences = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if a[low] <= b[high] and b[low] <= a[high]:
                sentences.append(f"{a[name_column]} and {b[name_column]}: the {metric} intervals overlap "
                                 f"({a[metric]:.3f} vs {b[metric]:.3f}), so this data cannot tell which is better.")
            else:
                sentences.append(f"{a[name_column]} scores higher than {b[name_column]} on {metric} "
                                 f"({a[metric]:.3f} vs {b[metric]:.3f}) and the intervals do not overlap.")
    return sentences


def agreement(labels: Sequence, first: Sequence, second: Sequence, names: tuple[str, str]) -> np.ndarray:
    """Per point, in words: both right, both wrong, or only one model right."""
    y, a, b = (np.asarray(v, dtype=str) for v in (labels, first, second))
    ok_a, ok_b = a == y, b == y
    return np.select([ok_a & ok_b, ~ok_a & ~ok_b, ok_a], ["both right", "both wrong", f"only {names[0]} right"],
                     default=f"only {names[1]} right")


def agreement_table(outcomes: np.ndarray) -> pd.DataFrame:
    """How many points fall in each agreement outcome."""
    counts = pd.Series(outcomes).value_counts()
    return pd.DataFrame({"outcome": counts.index, "points": counts.to_numpy(),
                         "share": counts.to_numpy() / max(1, len(outcomes))})


def label_comparison_table(evaluations: Mapping[str, LabelEvaluation]) -> pd.DataFrame:
    """Models side by side: accuracy and macro-F1 of both classifiers with bootstrap intervals (same draws)."""
    rows, stats = [], {}
    for i, (model, ev) in enumerate(evaluations.items()):
        row: dict[str, str | float] = {"model": model}
        for name, r in ev.classifiers.items():
            row[f"{name}_accuracy"] = float((r.predictions == ev.labels).mean())
            row[f"{name}_macro_f1"] = macro_f1_statistic(ev.labels, r.predictions)(np.arange(len(ev.labels)))
            stats[(i, f"{name}_accuracy")] = (len(ev.labels), accuracy_statistic(ev.labels, r.predictions))
            stats[(i, f"{name}_macro_f1")] = (len(ev.labels), macro_f1_statistic(ev.labels, r.predictions))
        rows.append(row)
    return with_intervals(pd.DataFrame(rows), stats)


def retrieval_comparison_table(results: Mapping[str, retrieval.RetrievalResult]) -> pd.DataFrame:
    """Models side by side: the retrieval metrics with bootstrap intervals over the queries (same draws)."""
    rows, stats = [], {}
    for i, (model, result) in enumerate(results.items()):
        per_query = result.per_query()
        rows.append({"model": model, **result.metrics()})
        for metric in retrieval.METRICS:
            stats[(i, metric)] = (len(per_query), mean_statistic(per_query[metric].to_numpy()))
    return with_intervals(pd.DataFrame(rows), stats)


def word_comparison_table(results: Mapping[str, Sequence[WordSimResult]]) -> pd.DataFrame:
    """Models side by side on each word set: Spearman with a bootstrap interval over the pairs used."""
    rows: list[dict[str, str | float]] = []
    stats: dict[tuple[int, str], tuple[int, Statistic]] = {}
    for model, per_set in results.items():
        for r in per_set:
            gold, cosine = r.table["human"].to_numpy(), r.table["model"].to_numpy()
            stats[(len(rows), "spearman")] = (int(r.table["model"].notna().sum()), spearman_statistic(gold, cosine))
            rows.append({"model": model, "set": r.name, "spearman": r.spearman, "pearson": r.pearson,
                         "oov_share": r.oov_share, "pairs_used": r.pairs_used})
    return with_intervals(pd.DataFrame(rows), stats)
