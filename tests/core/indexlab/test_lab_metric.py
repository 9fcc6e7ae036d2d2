"""The lab under each metric: exact search against a brute-force oracle, each index built for the metric or left
out with a sentence, and typed queries on the command line embedded as the page embeds them."""
import json

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from core.cli.commands import main
from core.indexlab import indexes, lab
from core.indexlab.lab import measure_built, run_lab
from core.indexlab.measure import recall
from core.indexlab.queries import NO_MODEL
from core.indexlab.settings import LabParams
from core.search.queries import embed_query
from core.vectors import unit_rows

K = 5
RNG = np.random.default_rng(3)
STORED = RNG.normal(size=(300, 24)).astype(np.float32)
QUERIES = RNG.normal(size=(20, 24)).astype(np.float32)


def _bits(x: np.ndarray) -> np.ndarray:
    return (x > 0).astype(np.int64)


def _oracle(metric: str, stored: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Distances by the plain library (Hamming counted bit by bit)."""
    if metric == "dot":
        return -(queries.astype(np.float64) @ stored.T.astype(np.float64))
    if metric == "hamming":
        return (_bits(queries)[:, None, :] != _bits(stored)[None, :, :]).sum(axis=-1)
    return cdist(queries, stored, {"cosine": "cosine", "l2": "sqeuclidean", "l1": "cityblock"}[metric])


@pytest.mark.parametrize("metric", ["cosine", "dot", "l2", "l1", "hamming"])
def test_exact_under_each_metric_has_recall_one_against_a_brute_force_oracle(metric):
    truth = list(np.argsort(_oracle(metric, STORED, QUERIES), axis=1, kind="stable")[:, :K])
    results, answers = measure_built(indexes.build_exact(STORED, metric), STORED, QUERIES, K, truth, metric=metric)
    assert [r.recall_at_k for r in results] == [1.0]
    oracle = _oracle(metric, STORED, QUERIES)
    for q, found in enumerate(answers[0]):  # the same distances as the oracle's k nearest (ties either way)
        np.testing.assert_allclose(np.sort(oracle[q, found]), np.sort(oracle[q])[:K], rtol=1e-4, atol=1e-4)


def test_a_wrong_answer_is_not_counted_as_found():
    truth = list(np.argsort(_oracle("l1", STORED, QUERIES), axis=1)[:, :K])
    far = [np.argsort(_oracle("l1", STORED, QUERIES)[q])[-K:] for q in range(len(QUERIES))]
    assert recall(far, truth, STORED, QUERIES, "l1") == 0.0


def test_on_unit_vectors_cosine_dot_and_l2_give_the_same_top_k():
    stored, queries = unit_rows(STORED, np.float32), unit_rows(QUERIES, np.float32)
    answers = {m: measure_built(indexes.build_exact(stored, m), stored, queries, K, [], metric=m)[1][0]
               for m in ("cosine", "dot", "l2")}
    for metric in ("dot", "l2"):
        assert [a.tolist() for a in answers[metric]] == [a.tolist() for a in answers["cosine"]]


@pytest.fixture
def no_chroma(monkeypatch):
    """The lab without Chroma's store (slow to build; its metric is checked on its own below)."""
    plan = lab.builders
    monkeypatch.setattr(lab, "builders", lambda *a: [step for step in plan(*a) if step[0] != "Chroma HNSW"])


@pytest.mark.parametrize("metric", ["dot", "l2"])
def test_each_index_is_built_for_the_metric(metric, no_chroma):
    report = run_lab(STORED, LabParams(queries=20, k=K, pq_nbits=4, metric=metric))
    assert report.metric == metric and report.indexes[0].recall_at_k == 1.0
    assert {r.kind for r in report.indexes} == {"exact", "ivf", "ivfpq", "faiss_hnsw", "int8", "binary",
                                                "binary_rescore"}
    every = [r for r in report.indexes if r.kind == "ivf"][-1]  # every list probed: exact under the metric
    assert every.params["nprobe"] == every.params["nlist"] and every.recall_at_k == 1.0
    assert all(r.params["rescored_by"] == metric for r in report.indexes if r.kind == "binary_rescore")
    assert any("binary codes keep only signs, so they approximate the angle" in n for n in report.notes)


@pytest.mark.parametrize("metric,space", [("dot", "ip"), ("l2", "l2")])
def test_chroma_is_built_in_the_metrics_space(metric, space):
    from core.indexlab import chroma

    truth = list(np.argsort(_oracle(metric, STORED, QUERIES), axis=1)[:, :K])
    results, _ = measure_built(chroma.build_chroma(STORED, m=16, ef_construction=100, ef_search=(300,), metric=metric),
                               STORED, QUERIES, K, truth, metric=metric)
    assert results[0].params["space"] == space and results[0].recall_at_k >= 0.95


def test_indexes_that_cannot_serve_the_metric_are_skipped_with_one_sentence_each():
    report = run_lab(STORED, LabParams(queries=20, k=K, metric="l1"))
    assert {r.kind for r in report.indexes} == {"exact", "ivf", "faiss_hnsw"}
    assert [r.recall_at_k for r in report.indexes if r.kind == "ivf"][-1] == 1.0
    assert "Chroma HNSW was skipped: it cannot rank by L1 (Manhattan)." in report.notes
    assert sum("was skipped" in n for n in report.notes) == 4
    hamming = run_lab(STORED, LabParams(queries=20, k=K, metric="hamming"))
    assert [(r.kind, r.recall_at_k) for r in hamming.indexes] == [("exact", 1.0), ("binary", 1.0)]


def test_cli_takes_the_metric_and_says_it(tmp_path, capsys):
    path = tmp_path / "vectors.npy"
    np.save(path, STORED, allow_pickle=False)
    assert main(["indexlab", str(path), "--queries", "20", "--k", "5", "--metric", "hamming", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["metric"] == "hamming" and [r["kind"] for r in doc["indexes"]] == ["exact", "binary"]
    assert any(n.startswith("FAISS HNSW was skipped") for n in doc["notes"])


def test_cli_typed_queries_are_embedded_with_the_datas_model_as_the_page_does(tmp_path, monkeypatch):
    texts = [f"the {w} report on {v} weather" for w in ("first", "second", "third", "fourth", "fifth", "last")
             for v in ("dry", "wet", "cold", "hot", "windy")]
    data, asked_file = tmp_path / "texts.txt", tmp_path / "asked.txt"
    data.write_text("\n".join(texts))
    asked_file.write_text("hot weather\n\n  windy report \n")
    seen = {}
    monkeypatch.setattr(lab, "run_lab", lambda vectors, params, **kw: _captured(seen, vectors, params, kw["queries"]))
    assert main(["indexlab", str(data), "--model", "tfidf-lsa", "--query", "cold report", "--query-file",
                 str(asked_file), "--k", "3", "--metric", "dot", "--format", "json"]) == 0
    expected = [embed_query(t, "tfidf-lsa", corpus=texts)[0] for t in ("cold report", "hot weather", "windy report")]
    np.testing.assert_allclose(seen["queries"], np.stack(expected), atol=1e-6)
    assert seen["params"].metric == "dot"


def _captured(seen: dict, vectors, params, queries):
    seen.update(queries=queries, params=params)
    return lab.LabReport(len(vectors), vectors.shape[1], params.k, len(queries), [])


def test_cli_typed_queries_on_vectors_without_a_model_get_the_pages_sentence(tmp_path, capsys):
    path = tmp_path / "vectors.npy"
    np.save(path, STORED, allow_pickle=False)
    assert main(["indexlab", str(path), "--query", "a digit", "--format", "json"]) == 2
    assert capsys.readouterr().err.strip() == f"error: {NO_MODEL}"
