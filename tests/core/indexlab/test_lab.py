"""The lab's checks on its input, its sampling, its front and its recommendation, and the CLI's JSON contract."""
import json
import threading

import numpy as np
import pytest

from core.cli.commands import main
from core.errors import Cancelled, DataError
from core.indexlab import indexes, lab
from core.indexlab.lab import IndexResult, LabReport, pareto, recommendation, run_lab, sample_rows
from core.indexlab.settings import LabParams

RNG = np.random.default_rng(11)
X = RNG.normal(size=(120, 16)).astype(np.float32)
KINDS = {"exact", "hnsw", "ivf", "ivfpq", "faiss_hnsw", "int8", "binary", "binary_rescore"}


@pytest.fixture
def exact_only(monkeypatch):
    monkeypatch.setattr(lab, "builders", lambda *args: [("Exact search", indexes.build_exact)])


def test_no_vectors_gets_a_sentence():
    with pytest.raises(DataError, match="There are no vectors to index."):
        run_lab(np.zeros((0, 8), np.float32))


def test_one_vector_gets_a_sentence():
    with pytest.raises(DataError, match="An index of one vector has nothing to measure"):
        run_lab(X[:1])


def test_k_larger_than_the_vectors_left_gets_a_sentence():
    with pytest.raises(DataError, match=r"k = 10 is more than the 3 vector\(s\) left after holding out 3 as queries; "
                                        r"choose k of at most 3\."):
        run_lab(X[:6])
    with pytest.raises(DataError, match=r"k = 10 is more than the 6 vector\(s\); choose k of at most 6\."):
        run_lab(X[:6], queries=X[6:8])


def test_nan_vectors_get_a_sentence_naming_the_rows():
    bad = X.copy()
    bad[[4, 17], 2] = np.nan
    bad[30, 0] = np.inf
    with pytest.raises(DataError, match=r"3 vector\(s\) hold NaN or infinite values \(rows 4, 17, 30\)"):
        run_lab(bad)


def test_queries_are_held_out_of_the_searched_rows(exact_only):
    report = run_lab(X, LabParams(queries=20, k=5, pq_nbits=4))
    assert (report.n, report.queries, report.dim, report.k) == (100, 20, 16, 5)
    assert report.indexes[0].recall_at_k == 1.0 and report.sampled_from is None and report.notes == []


def test_more_rows_than_the_limit_are_sampled_and_said_so(exact_only, monkeypatch):
    monkeypatch.setattr(lab, "MAX_ROWS", 50)
    report = run_lab(X, LabParams(queries=10, k=3, pq_nbits=4))
    assert report.n + report.queries == 50 and report.sampled_from == 120
    assert report.notes == ["Measured on a random sample of 50 of the 120 vectors."]
    rows = sample_rows(120, 50)
    assert len(set(rows.tolist())) == 50 and (np.diff(rows) > 0).all() and sample_rows(50, 50) is None


def test_too_few_vectors_for_ivfpq_are_said_so(exact_only):
    assert run_lab(X, LabParams(queries=20, k=5)).notes == [
        "IVF-PQ was left out: its 8-bit codebooks need at least 256 vectors to train."]


def test_a_cancelled_lab_stops():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_lab(X, LabParams(queries=10, k=3), cancel=cancel)


def _result(name, kind, recall, ms, size):
    return IndexResult(name, kind, {}, recall, ms, ms, 0.0, size, size * 10)


def test_pareto_keeps_only_what_nothing_beats_on_both_axes():
    results = [_result("exact", "exact", 1.0, 10, 1536), _result("a", "ivf", 0.9, 1, 1536),
               _result("b", "ivf", 0.8, 2, 1536), _result("c", "int8", 0.95, 5, 384)]
    assert pareto(results) == [True, True, False, True]


def test_recommendation_names_the_smallest_index_that_keeps_the_target():
    report = LabReport(10, 384, 10, 5, [_result("exact", "exact", 1.0, 10, 1536),
                                        _result("int8 (float query)", "int8", 0.944, 3, 384),
                                        _result("binary (Hamming)", "binary", 0.6, 1, 48)])
    assert recommendation(report) == ("int8 (float query) keeps 0.94 recall@10 at a quarter of the memory of exact "
                                      "search (384 bytes a vector), 3.00 ms a query.")
    report.indexes[1].recall_at_k = 0.5
    assert recommendation(report).startswith("No index kept 0.90 recall@10 in less memory than exact search")


def test_cli_prints_the_json_contract(tmp_path, capsys):
    path = tmp_path / "vectors.npy"
    np.save(path, RNG.normal(size=(300, 16)).astype(np.float32), allow_pickle=False)
    assert main(["indexlab", str(path), "--queries", "20", "--k", "5", "--ef-search", "10,40",
                 "--pq-nbits", "4", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["n"], doc["dim"], doc["k"], doc["queries"]) == (280, 16, 5, 20)
    assert {r["kind"] for r in doc["indexes"]} == KINDS
    assert [r["params"]["ef_search"] for r in doc["indexes"] if r["kind"] == "hnsw"] == [10, 40]
    fields = {"name", "kind", "params", "recall_at_k", "query_ms_p50", "query_ms_p95", "build_s", "bytes_per_vector"}
    assert all(fields <= set(r) for r in doc["indexes"])
    assert all(0.0 <= r["recall_at_k"] <= 1.0 and r["query_ms_p95"] >= r["query_ms_p50"] > 0 for r in doc["indexes"])
    assert doc["indexes"][0]["kind"] == "exact" and doc["indexes"][0]["recall_at_k"] == 1.0
    assert doc["recommendation"].endswith(".")


def test_cli_says_what_is_wrong_in_one_line(tmp_path, capsys):
    path = tmp_path / "one.npy"
    np.save(path, np.ones((1, 4), np.float32), allow_pickle=False)
    assert main(["indexlab", str(path), "--format", "json"]) == 2
    assert capsys.readouterr().err.startswith("error: An index of one vector has nothing to measure")
