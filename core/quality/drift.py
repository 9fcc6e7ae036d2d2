"""Drift between two sides (two datasets, or two slices of one): a domain classifier and the MMD, each with a
permutation p-value, the clusters whose share changed most, and the rows most typical of each side.

- Domain classifier: logistic regression on the standardised vectors, stratified 5-fold; the ROC AUC of its
  out-of-fold scores. Its p-value permutes the side labels over those fixed out-of-fold scores (one fit, not one
  per permutation).
- MMD: the unbiased estimate of the squared maximum mean discrepancy with an RBF kernel
  exp(-|x - y|^2 / (2 sigma^2)), sigma the median distance between the pooled rows (the median heuristic), on a
  seeded sample of at most `MMD_SAMPLE` rows per side; its p-value permutes the sides over that sample's kernel
  matrix.

Each p-value is (1 + permutations at least as extreme) / (1 + permutations).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import DataError
from core.jobs import check
from core.quality.settings import BY_NAME

FOLDS = 5
MMD_SAMPLE = 1_000  # rows per side in the MMD
PERMUTATION_BLOCK = 50  # permutations of the MMD evaluated together
TYPICAL = 5  # rows shown as most typical of each side
NO_DRIFT_AUC = 0.55  # an AUC below this says little whatever its p-value
ALPHA = 0.05


@dataclass
class DriftResult:
    """The two tests' figures, the classifier's out-of-fold scores and the sides they were computed on."""

    auc: float
    auc_p: float | None  # None without permutations
    mmd: float  # unbiased squared MMD
    mmd_p: float | None
    sigma: float  # the RBF kernel's bandwidth
    mmd_rows: int  # rows per side in the MMD (at most MMD_SAMPLE)
    side: np.ndarray  # bool per row: True for side B
    scores: np.ndarray  # out-of-fold classifier score per row (higher: more like side B)
    permutations: int

    def as_dict(self) -> dict:
        return {"auc": self.auc, "auc_p": self.auc_p, "mmd": self.mmd, "mmd_p": self.mmd_p, "sigma": self.sigma,
                "mmd_rows_per_side": self.mmd_rows, "rows_a": int((~self.side).sum()),
                "rows_b": int(self.side.sum()), "permutations": self.permutations}


def _check_sides(side: np.ndarray) -> None:
    counts = np.bincount(side.astype(int), minlength=2)
    if counts.min() < FOLDS:
        raise DataError(f"Drift needs at least {FOLDS} rows on each side; the sides have {counts[0]} and {counts[1]}.")


def out_of_fold_scores(X: np.ndarray, side: np.ndarray, *, random_state: int = 0,
                       after_fold: Callable[[int], None] = lambda _: None) -> np.ndarray:
    """Each row's logistic-regression score from a model fitted on the other folds (stratified 5-fold);
    `after_fold(i)` is called after each fold (to report progress, or raise to stop)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scores = np.empty(len(X), dtype=np.float64)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=random_state).split(X, side)
    for i, (train, test) in enumerate(folds):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X[train], side[train])
        scores[test] = model.decision_function(X[test])
        after_fold(i + 1)
    return scores


def _auc_from_ranks(ranks: np.ndarray, side: np.ndarray) -> float:
    """ROC AUC (Mann-Whitney U over the pooled ranks, ties averaged) of side B's rows scoring above side A's."""
    n_b = int(side.sum())
    n_a = len(side) - n_b
    return float((ranks[side].sum() - n_b * (n_b + 1) / 2) / (n_a * n_b))


def _p_value(observed: float, permuted: Sequence[float]) -> float:
    extreme = np.asarray(permuted) >= observed - 1e-12  # ties count as extreme
    return float((1 + extreme.sum()) / (1 + len(extreme)))


def auc_test(scores: np.ndarray, side: np.ndarray, *, permutations: int = BY_NAME["permutations"].default,
             seed: int = 0) -> tuple[float, float | None]:
    """(ROC AUC of the scores for side B, permutation p-value); each permutation is `rng.permutation(side)`."""
    from scipy.stats import rankdata

    ranks, side = rankdata(scores), np.asarray(side, dtype=bool)
    observed = _auc_from_ranks(ranks, side)
    if not permutations:
        return observed, None
    rng = np.random.default_rng(seed)
    return observed, _p_value(observed, [_auc_from_ranks(ranks, rng.permutation(side)) for _ in range(permutations)])


def median_sigma(Z: np.ndarray) -> float:
    """The median Euclidean distance between distinct rows (the median heuristic's bandwidth)."""
    from scipy.spatial.distance import pdist

    sigma = float(np.median(pdist(np.asarray(Z, dtype=np.float64))))
    return sigma if sigma > 0 else 1.0


def rbf_kernel(Z: np.ndarray, sigma: float) -> np.ndarray:
    """exp(-|z_i - z_j|^2 / (2 sigma^2)) for every pair of rows."""
    from scipy.spatial.distance import cdist

    Z = np.asarray(Z, dtype=np.float64)
    return np.exp(-cdist(Z, Z, "sqeuclidean") / (2 * sigma ** 2))


def _mmd2_batch(K: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """Unbiased squared MMD for each column of `sides` (bool, rows x permutations; True: side B)."""
    W = (~sides).astype(np.float64)  # side A indicators
    m, n = W.sum(axis=0), len(K) - W.sum(axis=0)
    s_aa = np.einsum("ip,ip->p", W, K @ W)
    s_ab = W.T @ K.sum(axis=1) - s_aa
    s_bb = K.sum() - s_aa - 2 * s_ab
    diag_a, diag_b = W.T @ np.diag(K), (1 - W).T @ np.diag(K)
    return (s_aa - diag_a) / (m * (m - 1)) + (s_bb - diag_b) / (n * (n - 1)) - 2 * s_ab / (m * n)


def mmd_on_kernel(K: np.ndarray, side: np.ndarray, *, permutations: int = BY_NAME["permutations"].default,
                  seed: int = 0) -> tuple[float, float | None]:
    """(unbiased squared MMD, permutation p-value) of a pooled kernel matrix; each permutation is
    `rng.permutation(side)`."""
    side = np.asarray(side, dtype=bool)
    observed = float(_mmd2_batch(K, side[:, None])[0])
    if not permutations:
        return observed, None
    rng = np.random.default_rng(seed)
    permuted: list[float] = []
    for start in range(0, permutations, PERMUTATION_BLOCK):
        block = np.stack([rng.permutation(side) for _ in range(min(PERMUTATION_BLOCK, permutations - start))], axis=1)
        permuted += _mmd2_batch(K, block).tolist()
    return observed, _p_value(observed, permuted)


def mmd_sample(side: np.ndarray, *, per_side: int = MMD_SAMPLE, seed: int = 0) -> np.ndarray:
    """Seeded rows of each side, at most `per_side` of each, in row order."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(rows, min(per_side, len(rows)), replace=False) for rows in (np.flatnonzero(~side),
                                                                                      np.flatnonzero(side))]
    return np.sort(np.concatenate(picks))


def mmd_test(X: np.ndarray, side: np.ndarray, *, permutations: int = BY_NAME["permutations"].default,
             seed: int = 0, per_side: int = MMD_SAMPLE) -> tuple[float, float | None, float, int]:
    """(squared MMD, p-value, sigma, rows per side) on a seeded sample of each side."""
    rows = mmd_sample(side, per_side=per_side, seed=seed)
    sigma = median_sigma(X[rows])
    mmd, p = mmd_on_kernel(rbf_kernel(X[rows], sigma), side[rows], permutations=permutations, seed=seed)
    return mmd, p, sigma, int(min(per_side, side.sum(), (~side).sum()))


def measure_drift(X: np.ndarray, side: np.ndarray, *, permutations: int = BY_NAME["permutations"].default,
                  seed: int = 0, cancel: threading.Event | None = None,
                  progress: Callable[[int, int], None] | None = None) -> DriftResult:
    """Both tests between the rows of X where `side` is False (A) and True (B); `progress(done, total)` hears
    of each step, and a set `cancel` stops between steps."""
    side = np.asarray(side, dtype=bool)
    X = np.ascontiguousarray(X, dtype=np.float32)
    _check_sides(side)
    steps = FOLDS + 2

    def step(done: int) -> None:
        check(cancel)
        if progress is not None:
            progress(done, steps)

    scores = out_of_fold_scores(X, side, random_state=seed, after_fold=step)
    auc, auc_p = auc_test(scores, side, permutations=permutations, seed=seed)
    step(FOLDS + 1)
    mmd, mmd_p, sigma, mmd_rows = mmd_test(X, side, permutations=permutations, seed=seed)
    step(steps)
    return DriftResult(auc, auc_p, mmd, mmd_p, sigma, mmd_rows, side, scores, permutations)


def cluster_shift(labels: np.ndarray, side: np.ndarray, names: Sequence[str] | np.ndarray | None = None
                  ) -> pd.DataFrame:
    """Each cluster's share of side A and of side B, the clusters whose share changed most first."""
    side = np.asarray(side, dtype=bool)
    frame = pd.DataFrame({"cluster": np.asarray(labels), "b": side})
    frame["label"] = list(names) if names is not None else frame["cluster"].astype(str)
    table = frame.groupby(["cluster", "label"])["b"].agg(a=lambda s: (~s).sum(), b="sum").reset_index()
    table["share_a"] = table["a"] / max(int((~side).sum()), 1)
    table["share_b"] = table["b"] / max(int(side.sum()), 1)
    table["change"] = table["share_b"] - table["share_a"]
    table = table.rename(columns={"a": "rows_a", "b": "rows_b"})
    return table.reindex(table["change"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def typical_rows(result: DriftResult, *, n: int = TYPICAL) -> tuple[np.ndarray, np.ndarray]:
    """(rows of side A, rows of side B) the classifier finds most typical of their own side."""
    a, b = np.flatnonzero(~result.side), np.flatnonzero(result.side)
    return a[np.argsort(result.scores[a], kind="stable")[:n]], b[np.argsort(-result.scores[b], kind="stable")[:n]]


def interpretation(result: DriftResult) -> str:
    """One sentence on what the figures mean."""
    p = result.auc_p if result.auc_p is not None else result.mmd_p
    where = f" (p = {p:.3g})" if p is not None else ""
    if result.auc < NO_DRIFT_AUC and (p is None or p >= ALPHA):
        return (f"No detectable drift: a classifier tells the two sides apart no better than chance "
                f"(AUC {result.auc:.2f}{where}).")
    if p is not None and p >= ALPHA:
        return (f"Weak evidence of drift: a classifier's AUC is {result.auc:.2f}, but chance does as well in "
                f"{p:.0%} of permutations.")
    strength = "strong" if result.auc >= 0.75 else "moderate" if result.auc >= 0.6 else "slight"
    return (f"The two sides differ ({strength} drift): a classifier tells them apart with AUC {result.auc:.2f}"
            f"{where}; the clusters below show where the share changed.")
