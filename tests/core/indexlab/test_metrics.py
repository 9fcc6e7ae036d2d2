"""Metrics against plain numpy/scipy, Hamming against a bit-by-bit count, and the agreement table."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist

from core.distances import METRICS, WHEN_TO_USE, agreement, distances, hamming, is_unit, nearest, pack_signs
from core.errors import DataError
from core.vectors import unit_rows

RNG = np.random.default_rng(3)
X = RNG.normal(size=(60, 20)).astype(np.float32)
Q = RNG.normal(size=(7, 20)).astype(np.float32)


def test_every_metric_has_a_sentence_on_when_to_use_it():
    assert set(WHEN_TO_USE) == set(METRICS)
    assert all(text.endswith(".") and len(text.split()) > 5 for text in WHEN_TO_USE.values())


@pytest.mark.parametrize("metric, oracle", [
    ("cosine", lambda q, x: cdist(q, x, "cosine")),
    ("dot", lambda q, x: -(q.astype(np.float64) @ x.T.astype(np.float64))),
    ("l2", lambda q, x: cdist(q, x, "sqeuclidean")),
    ("l1", lambda q, x: cdist(q, x, "cityblock")),
    ("hamming", lambda q, x: cdist(q > 0, x > 0, "hamming") * q.shape[1]),
])
def test_distances_match_scipy(metric, oracle):
    np.testing.assert_allclose(distances(Q, X, metric), oracle(Q, X), rtol=1e-4, atol=1e-4)


def test_hamming_on_packed_bits_equals_a_bit_by_bit_count():
    a = RNG.normal(size=(5, 77))
    b = RNG.normal(size=(9, 77))
    by_bits = [[sum(int(x > 0) != int(y > 0) for x, y in zip(ra, rb)) for rb in b] for ra in a]
    np.testing.assert_array_equal(hamming(pack_signs(a), pack_signs(b)), by_bits)


def test_hamming_agrees_with_faiss_binary_flat():
    import faiss

    codes, queries = pack_signs(X), pack_signs(Q)
    index = faiss.IndexBinaryFlat(codes.shape[1] * 8)
    index.add(codes)
    found, ids = index.search(queries, len(X))
    ours = hamming(queries, codes)
    np.testing.assert_array_equal(np.take_along_axis(ours, ids, axis=1), found)


def test_nearest_leaves_each_query_out_of_its_own_answers():
    rows = np.array([0, 5, 9])
    found = nearest(X[rows], X, 4, "cosine", exclude=rows)
    assert not any(r in f for r, f in zip(rows, found))
    brute = np.argsort(cdist(X[rows], X, "cosine") + np.eye(len(X))[rows] * 9, axis=1, kind="stable")[:, :4]
    np.testing.assert_array_equal(found, brute)


def test_on_unit_vectors_cosine_dot_and_l2_agree_completely():
    unit = unit_rows(X)
    assert is_unit(unit) and not is_unit(X)
    table = agreement(unit, k=5, n_queries=30)
    assert table.loc["cosine", "dot"] == table.loc["cosine", "l2"] == table.loc["dot", "l2"] == 1.0
    assert (np.diag(table) == 1.0).all() and (table.to_numpy() == table.to_numpy().T).all()


def test_agreement_needs_two_vectors():
    with pytest.raises(DataError, match="at least 2 vectors"):
        agreement(X[:1])


def test_an_unknown_metric_is_named():
    with pytest.raises(DataError, match="Unknown metric 'cosin'"):
        distances(Q, X, "cosin")
