"""Exact search under a chosen metric, against brute force; Chroma keeps its own space; the CLI's --metric."""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from core.cli.commands import main
from core.search.engine import CHROMA, EXACT
from core.search.results import named_scores
from core.search.store import VectorStore

RNG = np.random.default_rng(5)
VECTORS = RNG.normal(size=(200, 12)).astype(np.float32)
QUERY = RNG.normal(size=12).astype(np.float32)
K = 7
COLUMNS = {"cosine": "cosine similarity", "dot": "dot product", "l2": "squared L2 distance", "l1": "L1 distance",
           "hamming": "Hamming distance (bits)"}


def _brute(metric: str) -> np.ndarray:
    """The value each stored row scores under `metric`, by the plain library (Hamming: bits counted one by one)."""
    q = QUERY[None, :].astype(np.float64)
    x = VECTORS.astype(np.float64)
    if metric == "cosine":
        return 1.0 - cdist(q, x, "cosine")[0]
    if metric == "dot":
        return (x @ q[0])
    if metric == "hamming":
        return ((x > 0) != (q > 0)).sum(axis=1).astype(np.float64)
    return cdist(q, x, {"l2": "sqeuclidean", "l1": "cityblock"}[metric])[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> VectorStore:
    opened = VectorStore.open(tmp_path_factory.mktemp("chroma"), exact_below=0)  # Chroma answers unless told
    opened.ingest("rows", texts=[f"row {i}" for i in range(len(VECTORS))], vectors=VECTORS,
                  metadatas=[{"i": i} for i in range(len(VECTORS))], model_id="m", model_key="precomputed",
                  dataset="test", metric="cosine")
    return opened


@pytest.mark.parametrize("metric", list(COLUMNS))
def test_exact_results_are_ranked_by_the_chosen_metric_as_brute_force_ranks_them(store, metric):
    hits = named_scores(store.exact_query("rows", QUERY, k=K, metric=metric), metric)
    column = COLUMNS[metric]
    assert column in hits.columns and "distance" not in hits.columns
    brute = _brute(metric)
    larger_is_nearer = metric in ("cosine", "dot")
    best = np.sort(brute)[::-1][:K] if larger_is_nearer else np.sort(brute)[:K]
    np.testing.assert_allclose(hits[column].to_numpy(), best, rtol=1e-4, atol=1e-4)  # ties either way
    rows = [int(t.split()[-1]) for t in hits["text"]]
    np.testing.assert_allclose(brute[rows], hits[column].to_numpy(), rtol=1e-4, atol=1e-4)


def test_a_metric_that_ranks_as_the_index_leaves_chroma_answering(store):
    own = store.search("rows", QUERY, k=K, metric="cosine")
    other = store.search("rows", QUERY, k=K, metric="l1")
    assert own.engine == CHROMA and other.engine == EXACT
    np.testing.assert_allclose(own.hits["distance"], 1.0 - np.sort(_brute("cosine"))[::-1][:K], atol=1e-4)


def test_cli_search_metric_names_the_column_and_ranks_by_brute_force(store, capsys):
    assert main(["search", "--vector", _saved(store, QUERY), "--collection", "rows", "-k", str(K), "--metric", "l1",
                 "--format", "json", "--path", str(store.path)]) == 0
    hits = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose([h["L1 distance"] for h in hits], np.sort(_brute("l1"))[:K], rtol=1e-4)
    assert main(["search", "--vector", _saved(store, QUERY), "--collection", "rows", "-k", "3", "--format", "json",
                 "--path", str(store.path)]) == 0
    assert "distance" in json.loads(capsys.readouterr().out)[0]  # without --metric: the store's own distance


def _saved(store: VectorStore, vector: np.ndarray) -> str:
    path = store.path.parent / "query.npy"
    np.save(path, vector, allow_pickle=False)
    return str(path)
