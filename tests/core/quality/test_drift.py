"""Drift: AUC near 0.5 for one distribution, small p for a shift; p-values against brute-force loops; the MMD
against a hand computation; slices by a column."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.errors import DataError
from core.quality.drift import (
    auc_test,
    cluster_shift,
    interpretation,
    measure_drift,
    median_sigma,
    mmd_on_kernel,
    rbf_kernel,
    typical_rows,
)
from core.quality.slices import slice_sides


def _two_samples(shift, n=200, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2 * n, dim))
    X[n:, 0] += shift
    return X, np.r_[np.zeros(n, bool), np.ones(n, bool)]


def test_same_distribution_gives_auc_near_half_and_a_large_p():
    X, side = _two_samples(0.0)
    result = measure_drift(X, side, permutations=200)
    assert abs(result.auc - 0.5) < 0.1
    assert result.auc_p > 0.05 and result.mmd_p > 0.05
    assert interpretation(result).startswith("No detectable drift")


def test_a_shifted_sample_gives_a_small_p():
    X, side = _two_samples(1.0)
    result = measure_drift(X, side, permutations=200)
    assert result.auc > 0.7 and result.auc_p < 0.01 and result.mmd_p < 0.01
    assert "differ" in interpretation(result)
    a, b = typical_rows(result, n=3)
    assert X[b, 0].mean() > X[a, 0].mean()


def test_auc_p_value_matches_a_brute_force_loop():
    rng = np.random.default_rng(3)
    scores, side = rng.normal(size=40), np.r_[np.zeros(20, bool), np.ones(20, bool)]
    scores[side] += 0.4
    auc, p = auc_test(scores, side, permutations=300, seed=7)
    loop = np.random.default_rng(7)
    permuted = [roc_auc_score(loop.permutation(side), scores) for _ in range(300)]
    assert auc == pytest.approx(roc_auc_score(side, scores))
    assert p == pytest.approx((1 + sum(v >= auc for v in permuted)) / 301)


def _hand_mmd2(A, B, sigma):
    def k(x, y):
        return np.exp(-np.sum((x - y) ** 2) / (2 * sigma ** 2))
    m, n = len(A), len(B)
    aa = sum(k(A[i], A[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    bb = sum(k(B[i], B[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    ab = sum(k(a, b) for a in A for b in B) / (m * n)
    return aa + bb - 2 * ab


def test_mmd_equals_a_hand_computation_and_its_p_value_a_brute_force_loop():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(14, 3))
    Z[7:] += 0.8
    side = np.r_[np.zeros(7, bool), np.ones(7, bool)]
    distances = [np.linalg.norm(Z[i] - Z[j]) for i in range(14) for j in range(i + 1, 14)]
    sigma = median_sigma(Z)
    assert sigma == pytest.approx(np.median(distances))
    mmd, p = mmd_on_kernel(rbf_kernel(Z, sigma), side, permutations=120, seed=5)
    assert mmd == pytest.approx(_hand_mmd2(Z[~side], Z[side], sigma))
    loop = np.random.default_rng(5)
    permuted = []
    for _ in range(120):
        s = loop.permutation(side)
        permuted.append(_hand_mmd2(Z[~s], Z[s], sigma))
    assert p == pytest.approx((1 + sum(v >= mmd - 1e-12 for v in permuted)) / 121)


def test_cluster_shift_puts_the_largest_change_first():
    labels = np.array([0, 0, 1, 1, 0, 1, 1, 1])
    side = np.array([0, 0, 0, 0, 1, 1, 1, 1], bool)
    table = cluster_shift(labels, side, names=["a", "a", "b", "b", "a", "b", "b", "b"])
    assert table["share_a"].tolist() == [0.5, 0.5] and sorted(table["share_b"]) == [0.25, 0.75]
    assert abs(table["change"][0]) == 0.25 and table["label"].tolist()[0] in {"a", "b"}


def test_slices_by_two_values_a_range_and_a_comparison():
    frame = pd.DataFrame({"year": [2015, 2018, 2019, 2024, 2026, 2026], "kind": list("xyxyxy")})
    side, a, b = slice_sides(frame, "year", "<=2019", "2026")
    assert side.tolist() == [0, 0, 0, -1, 1, 1] and (a, b) == ("year <=2019", "year 2026")
    assert slice_sides(frame, "year", "2015..2018", ">2020")[0].tolist() == [0, 0, -1, 1, 1, 1]
    assert slice_sides(frame, "kind")[0].tolist() == [0, 1, 0, 1, 0, 1]
    with pytest.raises(DataError, match="distinct values"):
        slice_sides(frame, "year")
    with pytest.raises(DataError, match="overlap"):
        slice_sides(frame, "year", "<=2020", ">=2019")


def test_drift_reports_each_step_and_stops_when_cancelled():
    import threading

    from core.errors import Cancelled

    X, side = _two_samples(0.5, n=40)
    steps = []
    measure_drift(X, side, permutations=5, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(i, 7) for i in range(1, 8)]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        measure_drift(X, side, permutations=5, cancel=cancel)
