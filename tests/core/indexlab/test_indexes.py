"""Each index's reported recall against a brute-force computation, the quantised codes against
`quantize_embeddings`, and IVF's recall as it probes more lists."""
import faiss
import numpy as np
import pytest
from sentence_transformers.util.quantization import quantize_embeddings

from core.indexlab import chroma, indexes
from core.indexlab.lab import measure_built
from core.vectors import unit_rows

K = 5
RNG = np.random.default_rng(7)
STORED = unit_rows(RNG.normal(size=(400, 32)), np.float32)
QUERIES = unit_rows(RNG.normal(size=(25, 32)), np.float32)
TRUTH = [row for row in np.argsort(-(QUERIES @ STORED.T), axis=1)[:, :K]]

BUILDERS = {
    "exact": indexes.build_exact,
    "ivf": indexes.build_ivf,
    "ivfpq": lambda x: indexes.build_ivfpq(x, m=8, nbits=6),
    "faiss_hnsw": indexes.build_faiss_hnsw,
    "int8": indexes.build_int8,
    "binary": indexes.build_binary,
    "hnsw": lambda x: chroma.build_chroma(x, m=8, ef_construction=20, ef_search=(4, 50)),
}


def _by_hand(found: list[np.ndarray]) -> float:
    """Share of the brute-force top k found, query by query, by plain set counting."""
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / K for f, t in zip(found, TRUTH)]))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_reported_recall_equals_a_brute_force_count(name):
    results, answers = measure_built(BUILDERS[name](STORED), STORED, QUERIES, K, TRUTH)
    assert [r.recall_at_k for r in results] == pytest.approx([_by_hand(found) for found in answers])
    assert all(len(f) == K for found in answers for f in found)
    assert {r.kind for r in results} <= {"exact", "hnsw", "ivf", "ivfpq", "faiss_hnsw", "int8", "binary", "binary_rescore"}
    assert all(r.index_bytes > 0 and r.bytes_per_vector == r.index_bytes / len(STORED) for r in results)
    if name == "exact":
        assert [r.recall_at_k for r in results] == [1.0]


def test_int8_codes_and_the_stored_index_equal_quantize_embeddings():
    codes, starts, steps = indexes.int8_codes(STORED)
    expected = quantize_embeddings(STORED, "int8", calibration_embeddings=STORED)
    np.testing.assert_array_equal(codes, expected)
    index = indexes.int8_index(codes, starts, steps)
    stored = faiss.vector_to_array(index.codes).reshape(len(STORED), -1).astype(np.int16) - 128
    np.testing.assert_array_equal(stored, expected)
    decoded = starts + (expected.astype(np.float32) + 128) * steps
    np.testing.assert_allclose(index.reconstruct_n(0, len(STORED)), decoded, atol=1e-5)


def test_binary_codes_and_the_stored_index_equal_quantize_embeddings():
    expected = quantize_embeddings(STORED, "ubinary")
    np.testing.assert_array_equal(indexes.binary_codes(STORED), expected)
    built = indexes.build_binary(STORED)
    assert built.index_bytes >= expected.nbytes and built.variants[0].kind == "binary"
    assert [v.params.get("rescore") for v in built.variants[1:]] == [1, 4, 10]


def test_ivf_recall_rises_with_nprobe_and_is_exact_when_every_list_is_probed():
    built = indexes.build_ivf(STORED)
    results, _ = measure_built(built, STORED, QUERIES, K, TRUTH)
    probes = [r.params["nprobe"] for r in results]
    recalls = [r.recall_at_k for r in results]
    assert probes[-1] == results[0].params["nlist"] == indexes.nlist_for(len(STORED)) == 20
    assert recalls == sorted(recalls) and recalls[0] < 1.0
    assert recalls[-1] == 1.0


def test_pq_m_divides_the_dimension():
    assert indexes.pq_m_for(384, None) == 48
    assert indexes.pq_m_for(100, 7) == 5
    assert indexes.pq_m_for(7, None) == 1
