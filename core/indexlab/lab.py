"""The lab: build each index over the vectors, ask the same queries of each, and say what each costs and keeps.

Queries are a held-out sample of the vectors themselves (searched against the rest, so none finds itself)
or given query vectors (searched against all). The ground truth is exact search under the chosen metric, and
each index is built for that metric where it can serve it (under cosine the vectors are scaled to unit length and
ranked by inner product); an index that cannot is left out, and the report says so.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from core.distances import METRIC_LABELS, METRICS
from core.errors import DataError
from core.indexlab import chroma, indexes
from core.indexlab.measure import recall, run_queries
from core.indexlab.settings import MAX_ROWS, RECALL_TARGET, LabParams
from core.jobs import JobProgress, check
from core.vectors import unit_rows


@dataclass
class IndexResult:
    """What one index (at one setting) keeps and costs."""

    name: str
    kind: str
    params: dict[str, Any]
    recall_at_k: float
    query_ms_p50: float
    query_ms_p95: float
    build_s: float
    bytes_per_vector: float
    index_bytes: int


@dataclass
class LabReport:
    """Every index's figures on one set of vectors and queries."""

    n: int
    dim: int
    k: int
    queries: int
    indexes: list[IndexResult]
    sampled_from: int | None = None
    notes: list[str] = field(default_factory=list)
    metric: str = "cosine"

    def as_json(self) -> dict[str, Any]:
        """The plain JSON contract: n, dim, k, queries, indexes (and metric, sampled_from, notes, recommendation)."""
        return {"n": self.n, "dim": self.dim, "k": self.k, "queries": self.queries, "metric": self.metric,
                "indexes": [asdict(r) for r in self.indexes], "sampled_from": self.sampled_from,
                "notes": self.notes, "recommendation": recommendation(self)}


def check_vectors(vectors: np.ndarray) -> np.ndarray:
    """The vectors as float32 rows; DataError naming what is wrong (no rows, not a matrix, NaN or inf)."""
    x = np.asarray(vectors)
    if x.ndim != 2 or x.shape[1] == 0:
        raise DataError(f"The lab needs a table of vectors (rows × dimensions); got shape {x.shape}.")
    if len(x) == 0:
        raise DataError("There are no vectors to index.")
    bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
    if len(bad):
        shown = ", ".join(map(str, bad[:5])) + (" …" if len(bad) > 5 else "")
        raise DataError(f"{len(bad)} vector(s) hold NaN or infinite values (rows {shown}); remove them first.")
    return np.ascontiguousarray(x, dtype=np.float32)


def sample_rows(n: int, limit: int, seed: int = 0) -> np.ndarray | None:
    """A seeded, sorted sample of `limit` row numbers when there are more than `limit` rows, else None."""
    if n <= limit:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))


def split(x: np.ndarray, typed: np.ndarray | None, n_queries: int, k: int, seed: int,
          unit: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(stored rows, queries): typed queries (scaled to unit length when `unit`) against every row, else a held-out
    sample against the rest."""
    if typed is not None:
        stored, queries = x, check_vectors(typed)
        queries = unit_rows(queries) if unit else queries
        if queries.shape[1] != x.shape[1]:
            raise DataError(f"The queries have {queries.shape[1]} dimensions and the vectors {x.shape[1]}.")
    else:
        if len(x) < 2:
            raise DataError("An index of one vector has nothing to measure: the lab holds some vectors out as "
                            "queries and searches the rest, so it needs at least 2.")
        held = np.zeros(len(x), dtype=bool)
        held[np.random.default_rng(seed).choice(len(x), size=min(n_queries, len(x) // 2), replace=False)] = True
        stored, queries = x[~held], x[held]
    if k > len(stored):
        left = "" if typed is not None else f" left after holding out {len(queries)} as queries"
        raise DataError(f"k = {k} is more than the {len(stored)} vector(s){left}; choose k of at most {len(stored)}.")
    return np.ascontiguousarray(stored), np.ascontiguousarray(queries)


Builder = Callable[[np.ndarray], indexes.Built]
LABELS = dict(zip(METRICS, METRIC_LABELS))


def in_words(metric: str) -> str:
    """A metric's label as it reads inside a sentence ('dot product', 'L2 (Euclidean)')."""
    label = LABELS[metric]
    return label if label[1].isdigit() else label[0].lower() + label[1:]


def ivfpq_fits(n: int, nbits: int) -> bool:
    """Whether n vectors can train IVF-PQ codebooks of 2 ** nbits codes."""
    return n >= 2 ** nbits


PHASE_KINDS = {"Exact search": "exact", "Chroma HNSW": "hnsw", "FAISS IVF-Flat": "ivf", "FAISS IVF-PQ": "ivfpq",
               "FAISS HNSW": "faiss_hnsw", "int8 quantisation": "int8", "Binary quantisation": "binary"}


def serves(phase: str, metric: str) -> bool:
    """Whether the index a phase builds can rank by `metric`."""
    return metric in indexes.SUPPORTS[PHASE_KINDS[phase]]


def builders(params: LabParams, dim: int, n: int, cancel=None) -> list[tuple[str, Builder]]:
    """(phase, builder) of each index that can rank by the lab's metric, built for it, in the order they are
    measured (exact first: it gives the truth)."""
    nbits, metric = params.pq_nbits, params.metric
    out: list[tuple[str, Builder]] = [
        ("Exact search", lambda x: indexes.build_exact(x, metric)),
        ("Chroma HNSW", lambda x: chroma.build_chroma(x, m=params.hnsw_m, ef_construction=params.ef_construction,
                                                      ef_search=params.ef_search, metric=metric, cancel=cancel)),
        ("FAISS IVF-Flat", lambda x: indexes.build_ivf(x, metric)),
        ("FAISS HNSW", lambda x: indexes.build_faiss_hnsw(x, metric)),
        ("int8 quantisation", lambda x: indexes.build_int8(x, metric)),
        ("Binary quantisation", lambda x: indexes.build_binary(x, metric=metric)),
    ]
    if ivfpq_fits(n, nbits):
        m = indexes.pq_m_for(dim, params.pq_m)
        out.insert(3, ("FAISS IVF-PQ", lambda x: indexes.build_ivfpq(x, m=m, nbits=nbits, metric=metric)))
    return [(phase, build) for phase, build in out if serves(phase, metric)]


def skipped(metric: str) -> list[str]:
    """One sentence for each index that cannot rank by `metric`."""
    return [f"{phase} was skipped: it cannot rank by {in_words(metric)}." for phase in PHASE_KINDS
            if not serves(phase, metric)]


def metric_notes(metric: str) -> list[str]:
    """What the quantised codes approximate under `metric`."""
    if metric == "hamming":
        return ["Under Hamming distance the binary codes are the exact answer's own codes, so nothing is rescored."]
    if metric not in ("dot", "l2"):
        return []
    return [f"int8 codes approximate the vectors themselves, searched by {in_words(metric)}; binary codes keep only "
            f"signs, so they approximate the angle between vectors, and rescoring ranks their candidates by "
            f"{in_words(metric)}."]


def run_lab(vectors: np.ndarray, params: LabParams | None = None, *, queries: np.ndarray | None = None,
            progress: JobProgress | None = None, cancel=None, seed: int = 0) -> LabReport:
    """Build and measure every index on the vectors (a sample of MAX_ROWS when there are more)."""
    params, progress = params or LabParams(), progress or JobProgress()
    # 1. Check, sample and split the vectors.
    x = check_vectors(vectors)
    rows = sample_rows(len(x), MAX_ROWS, seed=seed)
    notes = [f"Measured on a random sample of {MAX_ROWS:,} of the {len(x):,} vectors."] if rows is not None else []
    x = x[rows] if rows is not None else x
    unit = params.metric == "cosine"
    x = unit_rows(x) if unit else x
    stored, asked = split(x, queries, params.queries, params.k, seed, unit=unit)
    plan = builders(params, x.shape[1], len(stored), cancel)
    notes += skipped(params.metric) + metric_notes(params.metric)
    progress.status("Loading FAISS and the quantisers")
    indexes.load_quantisers()
    if not ivfpq_fits(len(stored), params.pq_nbits) and params.metric in indexes.SUPPORTS["ivfpq"]:
        notes.append(f"IVF-PQ was left out: its {params.pq_nbits}-bit codebooks need at least "
                     f"{2 ** params.pq_nbits} vectors to train.")
    # 2. Build each index and measure each of its settings, exact first.
    results: list[IndexResult] = []
    truth: list[np.ndarray] = []
    for done, (phase, build) in enumerate(plan):
        check(cancel)
        progress.status(f"{phase}: building and querying")
        progress.step(done, len(plan))
        measured, answers = measure_built(build(stored), stored, asked, params.k, truth, cancel, params.metric)
        truth = truth or answers[0]
        results += measured
    progress.step(len(plan), len(plan))
    return LabReport(len(stored), x.shape[1], params.k, len(asked), results,
                     sampled_from=len(vectors) if rows is not None else None, notes=notes, metric=params.metric)


def measure_built(built: indexes.Built, stored: np.ndarray, queries: np.ndarray, k: int, truth: list[np.ndarray],
                  cancel=None, metric: str = "cosine") -> tuple[list[IndexResult], list[list[np.ndarray]]]:
    """Each variant's figures (recall against `truth`, ties judged under `metric`; 1.0 with no truth yet: the answers
    are the truth) and answers."""
    out, answers = [], []
    try:
        for variant in built.variants:
            with variant.searcher() as search, indexes.one_thread():
                found, millis = run_queries(search, queries, k, cancel=cancel)
            answers.append(found)
            out.append(IndexResult(variant.name, variant.kind, variant.params,
                                   recall(found, truth, stored, queries, metric) if truth else 1.0,
                                   float(np.percentile(millis, 50)), float(np.percentile(millis, 95)), built.build_s,
                                   built.index_bytes / len(stored), built.index_bytes))
    finally:
        built.close()
    return out, answers


def pareto(results: list[IndexResult]) -> list[bool]:
    """For each result, whether no other is at least as fast and as accurate and strictly better in one."""
    def beaten(a: IndexResult) -> bool:
        return any(b.query_ms_p50 <= a.query_ms_p50 and b.recall_at_k >= a.recall_at_k
                   and (b.query_ms_p50 < a.query_ms_p50 or b.recall_at_k > a.recall_at_k) for b in results)
    return [not beaten(r) for r in results]


def recommendation(report: LabReport, target: float = RECALL_TARGET) -> str:
    """One plain sentence: the smallest index that keeps `target` recall (the fastest among equals)."""
    if not report.indexes:
        return "Nothing was measured."
    exact = report.indexes[0]
    good = [r for r in report.indexes if r.recall_at_k >= target] or [exact]
    best = min(good, key=lambda r: (round(r.bytes_per_vector), r.query_ms_p50))
    if best.kind == "exact":
        return (f"No index kept {target:.2f} recall@{report.k} in less memory than exact search: keep exact search "
                f"({exact.query_ms_p50:.2f} ms a query).")
    share = best.bytes_per_vector / exact.bytes_per_vector
    disk = " in memory; the float vectors stay on disk for the rescoring" if best.kind == "binary_rescore" else ""
    return (f"{best.name} keeps {best.recall_at_k:.2f} recall@{report.k} at {_share(share)} of the memory of "
            f"exact search ({best.bytes_per_vector:,.0f} bytes a vector{disk}), {best.query_ms_p50:.2f} ms a query.")


def _share(share: float) -> str:
    """A share of memory in words where it is a familiar fraction."""
    for words, value in (("a half", 1 / 2), ("a quarter", 1 / 4), ("an eighth", 1 / 8), ("a sixteenth", 1 / 16),
                         ("a thirty-second", 1 / 32)):
        if abs(share - value) / value < 0.05:
            return words
    return f"{share:.0%}"
