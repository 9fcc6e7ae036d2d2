"""The Chroma store against brute force, its filters, idempotent ingest and its refusals (one process)."""
from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from core.bench.search import clustered_vectors
from core.errors import UserError
from core.search.exact import ExactIndex, recall_at_k
from core.search.queries import parse_where, range_filter, read_vector, values_filter
from core.search.records import (
    clean_metadata,
    collection_name,
    frame_metadata,
    is_valid_name,
    row_ids,
)
from core.search.store import VectorStore

GROUPS = ("alpha", "beta", "gamma", "delta")


def make_rows(n: int, *, seed: int = 0):
    """Texts, metadata (string, int and float columns) for n rows."""
    rng = np.random.default_rng(seed)
    texts = [f"row {i} about {'apples' if i % 3 == 0 else 'pears'}" for i in range(n)]
    metas = [{"group": GROUPS[i % 4], "i": i, "score": float(rng.random())} for i in range(n)]
    return texts, metas


@pytest.fixture
def store(tmp_path) -> VectorStore:
    return VectorStore.open(tmp_path / "chroma")


def ingest(store: VectorStore, name: str, vectors: np.ndarray, *, metric: str = "cosine", model_id: str = "m",
           seed: int = 0, **kwargs):
    texts, metas = make_rows(len(vectors), seed=seed)
    return store.ingest(name, texts=texts, vectors=vectors, metadatas=metas, model_id=model_id, model_key="mk",
                        dataset="test", metric=metric, **kwargs)


def mean_recall(store: VectorStore, name: str, queries: np.ndarray, k: int = 10, **filters) -> float:
    found = store.query(name, queries, k=k, **filters)
    exact = store.exact_query(name, queries, k=k, **filters)
    recalls = [recall_at_k(found[found["query"] == q]["id"].tolist(), exact[exact["query"] == q]["id"].tolist(),
                           found_distances=found[found["query"] == q]["distance"].tolist(),
                           exact_distances=exact[exact["query"] == q]["distance"].tolist())
               for q in range(len(queries))]
    return float(np.mean(recalls))


# ---------------------------------------------------------------------- exact oracle and helpers


def test_exact_distances_follow_chromas_definitions():
    x = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    q = np.array([[1.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(ExactIndex(x, "l2").distances(q), [[1.0, 2.0, 13.0]], atol=1e-5)
    np.testing.assert_allclose(ExactIndex(x, "ip").distances(q), [[0.0, -1.0, -6.0]], atol=1e-5)
    cos = 1 - np.array([1, 2, 7]) / (np.sqrt(2) * np.array([1, 2, 5]))
    np.testing.assert_allclose(ExactIndex(x, "cosine").distances(q), [cos], atol=1e-5)


def test_exact_search_orders_and_breaks_ties_by_row():
    x = np.array([[0, 1], [1, 0], [1, 0], [0, -1]], dtype=np.float32)
    idx, dist = ExactIndex(x, "cosine").search(np.array([1, 0], dtype=np.float32), k=3)
    assert idx[0].tolist() == [1, 2, 0]
    np.testing.assert_allclose(dist[0], [0, 0, 1], atol=1e-6)
    assert ExactIndex(x, "l2").search(x[3], k=10)[0].shape == (1, 4)  # k larger than the data: all rows


def test_recall_counts_exact_ties_as_hits():
    assert recall_at_k(["a", "b"], ["a", "c"]) == 0.5
    assert recall_at_k(["a", "b"], ["a", "c"], found_distances=[0.1, 0.2], exact_distances=[0.1, 0.2]) == 1.0
    assert recall_at_k(["a", "b"], ["a", "c"], found_distances=[0.1, 0.3], exact_distances=[0.1, 0.2]) == 0.5
    assert recall_at_k([], []) == 1.0


def test_metadata_is_cleaned_to_chroma_types():
    row = {"s": "x", "i": np.int64(3), "f": np.float32(0.5), "b": np.bool_(True), "nan": float("nan"),
           "none": None, "when": pd.Timestamp("2024-01-02"), "list": [1, 2], "chroma:document": "no", "": 1}
    clean = clean_metadata(row)
    assert clean == {"s": "x", "i": 3, "f": 0.5, "b": True, "when": "2024-01-02T00:00:00", "list": "[1, 2]"}
    assert type(clean["i"]) is int and type(clean["b"]) is bool
    frame = pd.DataFrame({"text": ["a", "b"], "n": [1, None]})
    assert frame_metadata(frame, "text") == [{"n": 1.0}, {}]


def test_row_ids_come_from_content_and_never_collide():
    texts, metas = ["a", "b", "a", "a"], [{"g": 1}, {"g": 1}, {"g": 1}, {"g": 2}]
    ids = row_ids(texts, metas)
    assert len(set(ids)) == 4
    assert ids == row_ids(texts, metas)  # deterministic
    assert ids[2] == f"{ids[0]}~2"  # an identical row is numbered, not dropped
    assert row_ids(["a"], [{"g": 2}])[0] == ids[3]  # same content, same id, wherever it sits


@pytest.mark.parametrize("dataset,model", [
    ("lee-sentences", "all-MiniLM-L6-v2"), ("my data (2).csv", "st:/home/me/models/e5"), ("..", "x"),
    ("ünïcode…", "glove"), ("a" * 600, "b" * 600), ("192.168.1.1", ""),
])
def test_collection_names_are_valid_for_chroma_and_distinct(store, dataset, model):
    names = {collection_name(dataset, model, metric) for metric in ("cosine", "l2", "ip")}
    assert len(names) == 3
    for name in names:
        assert is_valid_name(name), name
        store.client.create_collection(name, embedding_function=None)  # Chroma agrees
    assert collection_name(dataset, model, "cosine") != collection_name(dataset + "x", model, "cosine")


# ---------------------------------------------------------------------- Chroma against brute force


@pytest.mark.parametrize("metric", ["cosine", "l2", "ip"])
def test_random_data_matches_brute_force(store, metric):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    ingest(store, "random", vectors, metric=metric)
    queries = rng.normal(size=(40, 32)).astype(np.float32)
    assert mean_recall(store, "random", queries) >= 0.98
    found = store.query("random", queries[0], k=10)
    exact = store.exact_query("random", queries[0], k=10)
    common = found.merge(exact, on="id", suffixes=("_chroma", "_exact"))
    assert len(common) >= 8
    np.testing.assert_allclose(common["distance_chroma"], common["distance_exact"], rtol=1e-3, atol=1e-3)
    assert found["distance"].is_monotonic_increasing


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clustered_data_matches_brute_force(store, seed):
    vectors = clustered_vectors(5000, 64, n_clusters=20, seed=seed)
    ingest(store, "clustered", vectors)
    queries = clustered_vectors(60, 64, n_clusters=20, seed=seed)  # same centres: queries land in the clusters
    assert mean_recall(store, "clustered", queries) >= 0.98


@pytest.mark.parametrize("metric", ["cosine", "l2"])
def test_an_exact_duplicate_is_the_top_hit(store, metric):
    vectors = np.random.default_rng(3).normal(size=(2000, 16)).astype(np.float32)
    report = ingest(store, "dupes", vectors, metric=metric)
    ids, matrix, texts, _ = store.vectors("dupes")
    for row in (0, 17, 1999):
        position = texts.index(make_rows(2000)[0][row])
        found = store.query("dupes", matrix[position], k=3)
        assert found["id"].iloc[0] == ids[position]
        assert found["distance"].iloc[0] == pytest.approx(0.0, abs=1e-4)
        assert found["similarity"].iloc[0] == pytest.approx(1.0, abs=1e-5)
    assert report.count == 2000


def test_the_result_table_has_the_promised_columns(store):
    vectors = np.random.default_rng(4).normal(size=(50, 8)).astype(np.float32)
    ingest(store, "cols", vectors)
    found = store.query("cols", vectors[:2], k=5)
    assert list(found.columns[:6]) == ["query", "rank", "id", "distance", "similarity", "text"]
    assert {"group", "i", "score"} <= set(found.columns)
    assert found.groupby("query")["rank"].apply(list).tolist() == [[1, 2, 3, 4, 5]] * 2
    assert store.query("cols", vectors[0], k=500).shape[0] == 50  # k beyond the collection: everything


# ---------------------------------------------------------------------- filters


def test_where_filter_keeps_only_matching_rows_and_matches_exact(store):
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(2000, 16)).astype(np.float32)
    ingest(store, "filters", vectors)
    queries = rng.normal(size=(20, 16)).astype(np.float32)
    where = values_filter("group", ["beta", "gamma"])
    found = store.query("filters", queries, k=10, where=where)
    assert set(found["group"]) <= {"beta", "gamma"} and len(found) == 200
    assert mean_recall(store, "filters", queries, where=where) >= 0.98
    ranged = store.query("filters", queries[0], k=50, where=range_filter("i", 100, 199))
    assert ranged["i"].between(100, 199).all() and len(ranged) == 50


def test_where_document_contains_filters_on_the_text(store):
    rng = np.random.default_rng(6)
    vectors = rng.normal(size=(900, 16)).astype(np.float32)
    ingest(store, "docs", vectors)
    query = rng.normal(size=(16,)).astype(np.float32)
    found = store.query("docs", query, k=20, where_document={"$contains": "apples"})
    assert len(found) == 20 and found["text"].str.contains("apples").all()
    exact = store.exact_query("docs", query, k=20, where_document={"$contains": "apples"})
    assert recall_at_k(found["id"].tolist(), exact["id"].tolist()) >= 0.95
    both = store.query("docs", query, k=20, where={"group": "alpha"}, where_document={"$contains": "apples"})
    assert (both["group"] == "alpha").all() and both["text"].str.contains("apples").all()
    assert store.query("docs", query, k=5, where_document={"$contains": "no such word"}).empty


def test_a_bad_filter_is_a_user_error(store):
    ingest(store, "bad", np.eye(4, dtype=np.float32))
    with pytest.raises(UserError, match="Chroma could not run this search"):
        store.query("bad", np.ones(4, dtype=np.float32), k=2, where={"group": {"$nope": 1}})
    with pytest.raises(UserError, match="not valid JSON"):
        parse_where("{group: alpha}")


# ---------------------------------------------------------------------- which engine answers


def test_below_the_crossover_exact_search_answers_and_from_it_chroma_and_each_says_so(tmp_path, monkeypatch):
    from core.search import reading

    store = VectorStore.open(tmp_path / "chroma", exact_below=100)
    rng = np.random.default_rng(16)
    ingest(store, "small", rng.normal(size=(99, 8)).astype(np.float32))
    ingest(store, "large", rng.normal(size=(100, 8)).astype(np.float32))
    query = rng.normal(size=(8,)).astype(np.float32)
    chroma_asked = []
    ask_chroma = reading.nearest
    monkeypatch.setattr(reading, "nearest", lambda *a, **kw: chroma_asked.append(1) or ask_chroma(*a, **kw))
    small = store.search("small", query, k=5, where={"group": "beta"})
    assert (small.engine, small.answered_by) == ("exact", "exact search (numpy)") and chroma_asked == []
    pd.testing.assert_frame_equal(small.hits, store.exact_query("small", query, k=5, where={"group": "beta"}))
    assert len(small.hits) == 5 and (small.hits["group"] == "beta").all()
    large = store.search("large", query, k=5)
    assert (large.engine, large.answered_by) == ("chroma", "Chroma (HNSW index)") and chroma_asked == [1]
    assert large.hits["id"].tolist() == store.query("large", query, k=5)["id"].tolist()
    with pytest.raises(UserError, match="k must be at least 1"):
        store.search("small", query, k=0)


def test_exact_search_follows_the_collection_after_it_changes(tmp_path):
    store = VectorStore.open(tmp_path / "chroma", exact_below=1000)
    vectors = np.random.default_rng(17).normal(size=(300, 8)).astype(np.float32)
    ingest(store, "held", vectors)
    assert store.search("held", vectors[0], k=1).hits["text"].iloc[0] == make_rows(300)[0][0]
    texts, metas = make_rows(300)
    store.ingest("held", texts=texts[1:] + ["a brand new row"], vectors=np.vstack([vectors[1:], vectors[:1]]),
                 metadatas=metas[1:] + [{"group": "new"}], model_id="m", model_key="mk", dataset="test")
    found = store.search("held", vectors[0], k=1)
    assert found.engine == "exact" and found.hits["text"].iloc[0] == "a brand new row"
    store.delete("held")
    ingest(store, "held", vectors[:50], seed=3)  # made again under the same name
    assert len(store.search("held", vectors[0], k=100).hits) == 50


# ---------------------------------------------------------------------- ingest: idempotent, resumable, in sync


def test_reingest_is_idempotent(store):
    vectors = np.random.default_rng(7).normal(size=(2500, 8)).astype(np.float32)
    first = ingest(store, "idem", vectors, batch_size=1000)
    second = ingest(store, "idem", vectors, batch_size=1000)
    assert (first.written, first.count) == (2500, 2500)
    assert (second.written, second.skipped, second.count) == (0, 2500, 2500)
    ids = store.vectors("idem")[0]
    assert len(ids) == len(set(ids)) == 2500
    assert store.info("idem").complete


def test_reingest_with_changed_data_adds_and_removes(store):
    vectors = np.random.default_rng(8).normal(size=(300, 8)).astype(np.float32)
    ingest(store, "sync", vectors)
    texts, metas = make_rows(300)
    keep = slice(50, 300)
    report = store.ingest("sync", texts=texts[keep] + ["a brand new row"], vectors=np.vstack([vectors[keep], vectors[:1]]),
                          metadatas=metas[keep] + [{"group": "new"}], model_id="m", model_key="mk", dataset="test")
    assert (report.written, report.removed, report.count) == (1, 50, 251)
    assert store.query("sync", vectors[0], k=1, where={"group": "new"})["text"].iloc[0] == "a brand new row"


def test_progress_reports_every_batch(store):
    seen = []
    ingest(store, "progress", np.random.default_rng(9).normal(size=(2300, 4)).astype(np.float32), batch_size=1000,
           progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1000, 2300), (2000, 2300), (2300, 2300)]


def test_collection_metadata_records_provenance(store):
    ingest(store, "meta", np.random.default_rng(10).normal(size=(20, 6)).astype(np.float32), metric="l2",
           model_id="model-x")
    info = store.info("meta")
    assert (info.model_id, info.model_key, info.dimension, info.metric, info.rows, info.count) == \
        ("model-x", "mk", 6, "l2", 20, 20)
    assert info.created_at and info.complete and info.search_ef >= 100
    raw = store.client.get_collection("meta").configuration["hnsw"]
    assert raw["space"] == "l2" and raw["ef_search"] == info.search_ef


# ---------------------------------------------------------------------- refusals: nothing written


def _fingerprint(store: VectorStore, name: str):
    info = store.info(name)
    return info.count, info.updated_at, sorted(store.vectors(name)[0])


def test_dimension_mismatch_is_refused_and_nothing_is_written(store):
    ingest(store, "dims", np.random.default_rng(11).normal(size=(100, 8)).astype(np.float32))
    before = _fingerprint(store, "dims")
    other = np.random.default_rng(12).normal(size=(100, 9)).astype(np.float32)
    with pytest.raises(UserError, match="8-dimensional.*9-dimensional. Nothing was written"):
        ingest(store, "dims", other, seed=1)
    assert _fingerprint(store, "dims") == before
    with pytest.raises(UserError, match="9 dimensions"):
        store.query("dims", other[0], k=3)


def test_model_or_metric_mismatch_is_refused_and_nothing_is_written(store):
    vectors = np.random.default_rng(13).normal(size=(100, 8)).astype(np.float32)
    ingest(store, "models", vectors)
    before = _fingerprint(store, "models")
    with pytest.raises(UserError, match="from m, not other-model"):
        ingest(store, "models", vectors, model_id="other-model", seed=2)
    with pytest.raises(UserError, match="cosine metric, not l2"):
        ingest(store, "models", vectors, metric="l2", seed=2)
    assert _fingerprint(store, "models") == before
    with pytest.raises(UserError, match="embedded with other-model"):
        store.query("models", vectors[0], k=3, model_id="other-model")


def test_bad_input_is_refused_before_anything_exists(store):
    vectors = np.ones((3, 4), dtype=np.float32)
    vectors[1, 2] = np.nan
    with pytest.raises(UserError, match="NaN"):
        ingest(store, "nan", vectors)
    with pytest.raises(UserError, match="not a valid collection name"):
        ingest(store, "-x", np.ones((3, 4), dtype=np.float32))
    with pytest.raises(UserError, match="Nothing to index"):
        store.ingest("empty", texts=[], vectors=np.empty((0, 4)), metadatas=[], model_id="m", model_key="mk",
                     dataset="test")
    assert store.names() == []


# ---------------------------------------------------------------------- management


def test_list_delete_and_size(store, tmp_path):
    assert store.collections().empty and store.size_on_disk() >= 0
    ingest(store, "one", np.random.default_rng(14).normal(size=(500, 16)).astype(np.float32))
    ingest(store, "two", np.random.default_rng(15).normal(size=(10, 16)).astype(np.float32), metric="ip")
    table = store.collections()
    assert table["name"].tolist() == ["one", "two"]
    assert table.set_index("name").loc["one", "count"] == 500
    assert table.set_index("name").loc["two", "metric"] == "ip"
    assert store.size_on_disk() > 100_000
    store.delete("one")
    assert store.names() == ["two"]
    with pytest.raises(UserError, match="No collection named 'one'"):
        store.query("one", np.ones(16, dtype=np.float32))


# ---------------------------------------------------------------------- query inputs


def test_read_vector_accepts_npy_and_json_and_refuses_the_rest(tmp_path):
    import io

    buf = io.BytesIO()
    np.save(buf, np.arange(4, dtype=np.float32).reshape(1, 4))
    assert read_vector(buf.getvalue(), "q.npy").tolist() == [0, 1, 2, 3]
    assert read_vector(json.dumps([0.5, 1]).encode(), "q.json").tolist() == [0.5, 1.0]
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    for data, name in [(pickled.getvalue(), "evil.npy"), (b"[[1, 2], [3, 4]]", "two.json"), (b"[1, NaN]", "n.json"),
                       (b"hello", "x.json"), (b"[]", "empty.json")]:
        with pytest.raises(UserError):
            read_vector(data, name)


def test_values_filter_keeps_stored_types():
    assert values_filter("n", [np.int64(3)]) == {"n": 3}
    assert values_filter("g", ["a", "b"]) == {"g": {"$in": ["a", "b"]}}
    assert values_filter("g", []) is None


# ---------------------------------------------------------------------- bench section


def test_the_chroma_bench_section_is_registered_and_reports_its_keys(tmp_path):
    from core.bench import runner as bench
    from core.bench import search as store_bench

    assert bench.SECTIONS["chroma"].run is store_bench.bench_chroma
    result = store_bench.bench_chroma(tmp_path, store_bench.ChromaSizes(vectors=2000, queries=20, dim=48))
    assert {"chroma_ingest_per_s", "chroma_query_p50_ms", "chroma_query_p95_ms", "exact_query_p50_ms",
            "chroma_recall_at_10"} <= set(result)
    assert result["chroma_recall_at_10"] >= 0.98
    assert result["chroma_query_p95_ms"] >= result["chroma_query_p50_ms"] > 0
    assert result["chroma_n"] == 2000 and result["chroma_queries"] == 20
    assert result["exact_query_p50_ms"] > 0 and result["exact_below"] > 2000 and result["answered_by_exact"] is True


# ---------------------------------------------------------------------- the lock on the embedded folder


def test_without_fcntl_the_store_opens_unlocked(tmp_path, monkeypatch):
    from core.search import lock

    monkeypatch.setattr(lock, "fcntl", None)
    store = VectorStore.open(tmp_path / "chroma")
    assert store.names() == [] and not (tmp_path / "chroma" / lock.LOCK_NAME).exists()


def test_the_refusal_names_what_the_lock_file_records(tmp_path):
    from datetime import datetime

    from core.search.lock import in_use_message

    since = datetime(2024, 5, 1, 14, 2).timestamp()
    message = in_use_message(tmp_path, {"pid": 4242, "command": "streamlit run app.py", "host": "elsewhere",
                                        "since": since})
    assert message.startswith(f"The store at {tmp_path} is in use by process 4242 on elsewhere (streamlit run "
                              "app.py, since 2024-05-01 14:02). Only one process")
    assert "another process" in in_use_message(tmp_path, {})


def test_a_folder_deleted_and_made_again_is_locked_again(tmp_path):
    import shutil

    from core.search.lock import LOCK_NAME, lock_store

    folder = tmp_path / "chroma"
    folder.mkdir()
    lock_store(folder)
    shutil.rmtree(folder)
    folder.mkdir()
    lock_store(folder)
    assert json.loads((folder / LOCK_NAME).read_text())["pid"] == os.getpid()
