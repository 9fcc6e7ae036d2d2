"""Bench section `chunk`: the Lee documents embedded with truncation and with chunking, in the same run."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

MODEL_KEY = "minilm"
BATCH = 64


@dataclass(frozen=True)
class ChunkSizes:
    """How many Lee documents are embedded under each choice (None: every one)."""

    documents: int | None = None


def bench_chunk(workdir: Path, sizes: ChunkSizes) -> dict[str, float]:
    """Documents/s under each long-text choice (empty caches, model pre-loaded) and the share of tokens embedded."""
    from core.data.builtins import lee_documents
    from core.embedding.cache import EmbeddingCache
    from core.embedding.encode import embed_texts
    from core.embedding.models import create_embedder
    from core.embedding.windows import LongTexts, token_window, window_report

    texts = list(lee_documents().texts[:sizes.documents])
    print(f"[bench] chunk: loading the model, {len(texts)} Lee documents", file=sys.stderr, flush=True)
    model = create_embedder(MODEL_KEY)
    model.encode(texts[:8], batch_size=BATCH)

    def timed(mode: str):
        cache = EmbeddingCache(workdir / f"chunk-{mode}.sqlite")
        start = time.perf_counter()
        result = embed_texts(texts, MODEL_KEY, cache=cache, get_embedder=lambda: model, batch_size=BATCH,
                             long_texts=LongTexts(mode))
        return time.perf_counter() - start, result

    truncate_s, _ = timed("truncate")
    chunk_s, chunked = timed("chunk")
    window = token_window(MODEL_KEY, lambda: model)
    assert window is not None, f"{MODEL_KEY} reads a token window"
    report = window_report(texts, window)
    return {
        "chunk_embed_per_s": round(len(texts) / chunk_s, 2),
        "truncate_embed_per_s": round(len(texts) / truncate_s, 2),
        "chunk_cost": round(chunk_s / truncate_s, 3),
        "chunk_windows": chunked.windows.total,
        "chunk_over_window": report.n_over,
        "chunk_token_share": round(report.embedded_share("chunk"), 4),
        "truncate_token_share": round(report.embedded_share("truncate"), 4),
    }
