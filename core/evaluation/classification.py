"""Extrinsic evaluation on the user's labels: 10-NN and logistic regression by stratified 5-fold CV.

Every point gets an out-of-fold prediction (the fold that held it out predicts it), so the per-fold
scores equal scikit-learn's `cross_val_score` with the same folds, and the mistakes can be drawn on the map.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.distances import SCORE_NAMES, distances
from core.errors import DataError
from core.vectors import unit_rows

if TYPE_CHECKING:
    from core.data.table import Dataset

N_FOLDS = 5
SEED = 0
KNN_K = 10
LOGREG_MAX_ITER = 1000
MAX_LABELS = 200
CLASSIFIERS = {"knn": "10-NN (majority vote)", "logreg": "logistic regression"}  # named with the kNN's metric below


def classifier_name(name: str, metric: str = "cosine") -> str:
    """How a classifier is named in tables: the kNN with the metric it ranks neighbours by."""
    return f"10-NN ({metric}, majority vote)" if name == "knn" else CLASSIFIERS[name]


def conventions(metric: str = "cosine") -> str:
    """How the label evaluation was computed, its kNN ranking neighbours by `metric`."""
    return (f"Stratified {N_FOLDS}-fold cross-validation (shuffled, random_state={SEED}); every point is "
            f"predicted by the model trained on the other folds. 10-NN: {SCORE_NAMES[metric]}, majority vote of the "
            f"{KNN_K} nearest training points (ties go to the label that sorts first). Logistic regression: "
            f"scikit-learn defaults (L2, C=1, lbfgs, max_iter={LOGREG_MAX_ITER}). Interval: 95% t-interval "
            f"over the {N_FOLDS} folds, mean ± t(0.975, {N_FOLDS - 1})·sd/√{N_FOLDS}, cut at 0 and 1.")


Progress = Callable[[int, int], None]


@dataclass
class ClassifierResult:
    """Out-of-fold predictions of one classifier and its per-fold scores."""

    name: str
    predictions: np.ndarray
    fold_accuracy: np.ndarray
    fold_macro_f1: np.ndarray
    metric: str = "cosine"  # what the kNN ranks neighbours by

    @property
    def accuracy(self) -> float:
        return float(self.fold_accuracy.mean())

    @property
    def macro_f1(self) -> float:
        return float(self.fold_macro_f1.mean())

    def interval(self, scores: np.ndarray) -> tuple[float, float]:
        return t_interval(scores)


def t_interval(scores: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """mean ± t·sd/√n over folds (sd with n-1), kept within [0, 1] like the scores."""
    from scipy import stats

    scores = np.asarray(scores, dtype=np.float64)
    n = len(scores)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * scores.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
    return float(max(0.0, scores.mean() - half)), float(min(1.0, scores.mean() + half))


def label_columns(dataset: Dataset) -> list[str]:
    """Metadata columns with between 2 and MAX_LABELS distinct values: candidate labels."""
    return [c for c in dataset.metadata_columns if 2 <= dataset.frame[c].nunique() <= MAX_LABELS]


def check_labels(labels: npt.ArrayLike, n_folds: int = N_FOLDS) -> np.ndarray:
    """Labels as strings, or an error when stratified CV cannot run on them."""
    y: np.ndarray = pd.Series(labels).astype(str).to_numpy()
    counts = pd.Series(y).value_counts()
    if len(counts) < 2:
        raise DataError("The label column needs at least two different labels.")
    if counts.min() < n_folds:
        rare = ", ".join(f"'{k}' ({v})" for k, v in counts[counts < n_folds].head(5).items())
        raise DataError(f"Every label needs at least {n_folds} rows for {n_folds}-fold cross-validation; "
                        f"too few: {rare}. Drop or merge those labels.")
    return y


def folds(labels: np.ndarray, n_folds: int = N_FOLDS, seed: int = SEED) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train rows, test rows) of StratifiedKFold(n_folds, shuffle=True, random_state=seed)."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def knn_predict(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, k: int = KNN_K,
                chunk: int = 2048, *, metric: str = "cosine") -> np.ndarray:
    """Majority vote of the k nearest training rows (cosine by default, or another of
    core.distances.METRICS); ties go to the label that sorts first."""
    classes, codes = np.unique(train_labels, return_inverse=True)
    cosine = metric == "cosine"
    a, b = (unit_rows(m, np.float32) if cosine else np.asarray(m, dtype=np.float32) for m in (train, test))
    k = min(k, len(a))
    out = np.empty(len(b), dtype=np.int64)
    for start in range(0, len(b), chunk):
        sims = b[start:start + chunk] @ a.T if cosine else -distances(b[start:start + chunk], a, metric)
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        votes = np.zeros((len(sims), len(classes)), dtype=np.int64)
        np.add.at(votes, (np.repeat(np.arange(len(sims)), k), codes[nearest].ravel()), 1)
        out[start:start + chunk] = votes.argmax(axis=1)
    return classes[out]


def logreg_predict(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=LOGREG_MAX_ITER).fit(train, train_labels).predict(test)


PREDICTORS = {"knn": knn_predict, "logreg": logreg_predict}


def cross_validate(vectors: np.ndarray, labels: npt.ArrayLike, *, progress: Progress | None = None,
                   classifiers: Sequence[str] = tuple(CLASSIFIERS), knn_metric: str = "cosine"
                   ) -> dict[str, ClassifierResult]:
    """Out-of-fold predictions and per-fold accuracy and macro-F1 of each classifier (kNN by `knn_metric`)."""
    from sklearn.metrics import accuracy_score, f1_score

    y = check_labels(labels)
    X = np.asarray(vectors, dtype=np.float32)
    splits, results = folds(y), {}
    steps, done = len(classifiers) * len(splits), 0
    for name in classifiers:
        predictions = np.empty(len(y), dtype=object)
        acc, f1 = [], []
        for train, test in splits:
            options = {"metric": knn_metric} if name == "knn" else {}
            predictions[test] = PREDICTORS[name](X[train], y[train], X[test], **options)
            acc.append(accuracy_score(y[test], predictions[test].astype(str)))
            f1.append(f1_score(y[test], predictions[test].astype(str), average="macro"))
            done += 1
            if progress:
                progress(done, steps)
        results[name] = ClassifierResult(name, predictions.astype(str), np.array(acc), np.array(f1), knn_metric)
    return results


def summary_table(results: dict[str, ClassifierResult]) -> pd.DataFrame:
    """One row per classifier: accuracy and macro-F1 with their 95% fold intervals."""
    rows = []
    for name, r in results.items():
        (a_lo, a_hi), (f_lo, f_hi) = t_interval(r.fold_accuracy), t_interval(r.fold_macro_f1)
        rows.append({"classifier": classifier_name(name, r.metric), "accuracy": r.accuracy, "accuracy_low": a_lo,
                     "accuracy_high": a_hi, "macro_f1": r.macro_f1, "macro_f1_low": f_lo, "macro_f1_high": f_hi})
    return pd.DataFrame(rows)


def confusion(labels: npt.ArrayLike, predictions: npt.ArrayLike) -> pd.DataFrame:
    """Confusion matrix: rows are true labels, columns predicted labels."""
    from sklearn.metrics import confusion_matrix

    y, p = np.asarray(labels, dtype=str), np.asarray(predictions, dtype=str)
    classes = sorted(set(y.tolist()) | set(p.tolist()))
    matrix = confusion_matrix(y, p, labels=classes)
    return pd.DataFrame(matrix, index=pd.Index(classes, name="true"), columns=pd.Index(classes, name="predicted"))


def top_confusions(matrix: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The most frequent (true, predicted) mistakes, with their share of the true label's rows."""
    rows = [{"true": t, "predicted": p, "count": int(matrix.loc[t, p]),
             "share_of_true": float(matrix.loc[t, p] / max(1, matrix.loc[t].sum()))}
            for t in matrix.index for p in matrix.columns if t != p and matrix.loc[t, p] > 0]
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count", "share_of_true"])
    return frame.sort_values(["count", "true", "predicted"], ascending=[False, True, True]).head(n).reset_index(drop=True)


def cluster_agreement(labels: npt.ArrayLike, clusters: np.ndarray) -> dict[str, float]:
    """Adjusted Rand index and NMI of clusters against the labels (noise counts as one more cluster)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    y = np.asarray(labels, dtype=str)
    return {"ari": float(adjusted_rand_score(y, clusters)), "nmi": float(normalized_mutual_info_score(y, clusters))}
