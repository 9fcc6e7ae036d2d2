"""Bench section "indexlab": the whole index lab on clustered vectors (100,000 x 384 in a full run), its total
seconds, and the recall and latency of a few of its indexes."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from core.bench.search import clustered_vectors
from core.indexlab.lab import LabReport, run_lab
from core.indexlab.settings import LabParams
from core.jobs import JobProgress

REPORTED = {"int8": "int8", "ivf": "ivf_best", "binary_rescore": "binary_rescore_best", "faiss_hnsw": "faiss_hnsw"}


class _Log(JobProgress):
    def status(self, phase: str) -> None:
        super().status(phase)
        print(f"[bench] indexlab: {phase}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class IndexLabSizes:
    """Vectors, their dimension and the held-out queries."""

    vectors: int = 100_000
    dim: int = 384
    queries: int = 500


def _figures(report: LabReport) -> dict[str, float]:
    """Recall and p50 latency of the best setting of some kinds, and exact search's latency."""
    out: dict[str, float] = {"indexlab_exact_ms_p50": round(report.indexes[0].query_ms_p50, 3)}
    for kind, name in REPORTED.items():
        best = max((r for r in report.indexes if r.kind == kind), key=lambda r: r.recall_at_k, default=None)
        if best is not None:
            out[f"indexlab_{name}_recall"] = round(best.recall_at_k, 4)
            out[f"indexlab_{name}_ms_p50"] = round(best.query_ms_p50, 3)
    return out


def bench_indexlab(workdir: Path, sizes: IndexLabSizes) -> dict[str, float]:
    """Seconds for the whole lab, and what some of its indexes keep."""
    vectors = clustered_vectors(sizes.vectors + sizes.queries, sizes.dim)
    start = time.perf_counter()
    report = run_lab(vectors, LabParams(queries=sizes.queries), progress=_Log())
    return {"indexlab_100k_s": round(time.perf_counter() - start, 2), "indexlab_n": report.n, **_figures(report)}
