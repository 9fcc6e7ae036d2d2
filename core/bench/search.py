"""Bench section "chroma": ingest rate, query latency and recall@10 of our Chroma store against exact numpy search."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from core.search.exact import ExactIndex, recall_at_k

N_VECTORS = 20_000
DIM = 384
N_QUERIES = 200
K = 10
N_CLUSTERS = 50
SEED = 0
COLLECTION = "bench-clustered"


def clustered_vectors(n: int, dim: int, *, n_clusters: int = N_CLUSTERS, spread: float = 1.0,
                      seed: int = SEED) -> np.ndarray:
    """Unit vectors drawn around random cluster centres: structured like real embeddings, reproducible."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    points = centres[rng.integers(0, n_clusters, n)] + rng.normal(scale=spread / np.sqrt(dim), size=(n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def _ms(seconds: list[float], q: float) -> float:
    return round(float(np.percentile(seconds, q)) * 1000, 3)


def _timed_queries(store, data: np.ndarray, queries: np.ndarray) -> tuple[list[float], list[float], list[float]]:
    """Per query: seconds through our Chroma path, seconds of exact numpy search, recall@K of Chroma's answer."""
    exact = ExactIndex(data, "cosine")  # the oracle prepares its matrix once, as the store does its index
    chroma_s, exact_s, recalls = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        found = store.query(COLLECTION, q, k=K)
        t1 = time.perf_counter()
        idx, dist = exact.search(q, k=K)
        t2 = time.perf_counter()
        chroma_s.append(t1 - t0)
        exact_s.append(t2 - t1)
        recalls.append(recall_at_k(found["text"].tolist(), [f"row {i}" for i in idx[0]],
                                   found_distances=found["distance"].tolist(), exact_distances=dist[0].tolist()))
    return chroma_s, exact_s, recalls


def bench_chroma(workdir: Path) -> dict[str, float]:
    """20,000 x 384 clustered vectors into a fresh embedded store; 200 top-10 queries, Chroma vs exact numpy."""
    from core.search.store import VectorStore

    vectors = clustered_vectors(N_VECTORS + N_QUERIES, DIM)
    data, queries = vectors[:N_VECTORS], vectors[N_VECTORS:]
    store = VectorStore.open(workdir / "chroma")
    print(f"[bench] chroma: ingesting {N_VECTORS:,} x {DIM}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    store.ingest(COLLECTION, texts=[f"row {i}" for i in range(N_VECTORS)], vectors=data,
                 metadatas=[{"i": i} for i in range(N_VECTORS)], model_id="bench", model_key="bench", dataset="bench")
    ingest_s = time.perf_counter() - start
    chroma_s, exact_s, recalls = _timed_queries(store, data, queries)
    return {
        "chroma_ingest_per_s": round(N_VECTORS / ingest_s, 1),
        "chroma_query_p50_ms": _ms(chroma_s, 50),
        "chroma_query_p95_ms": _ms(chroma_s, 95),
        "exact_query_p50_ms": _ms(exact_s, 50),
        "chroma_recall_at_10": round(float(np.mean(recalls)), 4),
        "chroma_speedup": round(float(np.median(exact_s) / np.median(chroma_s)), 3),
        "chroma_n": N_VECTORS,
        "chroma_queries": N_QUERIES,
    }
