"""Bench section "chroma": ingest rate; query latency through our store by Chroma's index and by exact search;
recall@10 of Chroma's answer against exact numpy search; which of the two answers at this size."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.search.engine import EXACT
from core.search.exact import ExactIndex, recall_at_k
from core.vectors import unit_rows

K = 10
N_CLUSTERS = 50
SEED = 0
COLLECTION = "bench-clustered"


def clustered_vectors(n: int, dim: int, *, n_clusters: int = N_CLUSTERS, spread: float = 1.0,
                      seed: int = SEED) -> np.ndarray:
    """Unit vectors drawn around random cluster centres: structured like real embeddings, reproducible."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, dim)).astype(np.float32)
    centres = unit_rows(centres)
    points = centres[rng.integers(0, n_clusters, n)] + rng.normal(scale=spread / np.sqrt(dim), size=(n, dim))
    return unit_rows(points, np.float32)


def _ms(seconds: list[float], q: float) -> float:
    return round(float(np.percentile(seconds, q)) * 1000, 3)


def _timed_queries(store, data: np.ndarray, queries: np.ndarray) -> tuple[list[float], list[float], list[float]]:
    """Per query: seconds through our store by Chroma's index, seconds through our store by exact search (the
    collection's rows held in memory), recall@K of Chroma's answer against an oracle built here."""
    oracle = ExactIndex(data, "cosine")
    chroma_s, exact_s, recalls = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        found = store.query(COLLECTION, q, k=K)
        t1 = time.perf_counter()
        store.exact_query(COLLECTION, q, k=K)
        t2 = time.perf_counter()
        idx, dist = oracle.search(q, k=K)
        chroma_s.append(t1 - t0)
        exact_s.append(t2 - t1)
        recalls.append(recall_at_k(found["text"].tolist(), [f"row {i}" for i in idx[0]],
                                   found_distances=found["distance"].tolist(), exact_distances=dist[0].tolist()))
    return chroma_s, exact_s, recalls


@dataclass(frozen=True)
class ChromaSizes:
    """How many vectors (of how many dimensions) go into the store, and how many top-10 queries are timed."""

    vectors: int = 20_000
    queries: int = 200
    dim: int = 384


def bench_chroma(workdir: Path, sizes: ChromaSizes) -> dict[str, float]:
    """20,000 x 384 clustered vectors into a fresh embedded store; 200 top-10 queries, Chroma vs exact search."""
    from core.search.store import VectorStore

    n = sizes.vectors
    vectors = clustered_vectors(n + sizes.queries, sizes.dim)
    data, queries = vectors[:n], vectors[n:]
    store = VectorStore.open(workdir / "chroma")
    print(f"[bench] chroma: ingesting {n:,} x {sizes.dim}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    store.ingest(COLLECTION, texts=[f"row {i}" for i in range(n)], vectors=data,
                 metadatas=[{"i": i} for i in range(n)], model_id="bench", model_key="bench", dataset="bench")
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    store.snapshot(COLLECTION)  # read once, then held, as a long-lived process does
    read_s = time.perf_counter() - start
    chroma_s, exact_s, recalls = _timed_queries(store, data, queries)
    return {
        "chroma_ingest_per_s": round(n / ingest_s, 1),
        "chroma_query_p50_ms": _ms(chroma_s, 50),
        "chroma_query_p95_ms": _ms(chroma_s, 95),
        "exact_query_p50_ms": _ms(exact_s, 50),
        "chroma_recall_at_10": round(float(np.mean(recalls)), 4),
        "chroma_speedup": round(float(np.median(exact_s) / np.median(chroma_s)), 3),
        "exact_read_s": round(read_s, 3),
        "answered_by_exact": store.search(COLLECTION, queries[0], k=K).engine == EXACT,
        "exact_below": store.exact_below,
        "chroma_n": n,
        "chroma_queries": sizes.queries,
    }
