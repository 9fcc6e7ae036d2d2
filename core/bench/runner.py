"""`python -m core bench`: our code paths measured against the plain libraries, in one run.

Each section is a function ``(workdir, sizes) -> {key: number}`` registered in ``SECTIONS`` with the sizes of a
full run and of a smoke run (``--smoke``: every section at tiny sizes, to check that each one runs and reports its
figures). ``run_bench`` runs the chosen ones inside a temporary data folder (so the user's cache is never touched)
and prints either one JSON object (all sections' keys merged, plus each section's seconds as
``section_<name>_s``) or a readable table. To add a section, write a function and a frozen dataclass of its sizes
(defaults: the full run), register both in ``SECTIONS``, and (optionally) add a ``Comparison`` so the table shows
its pair of figures side by side.

Progress goes to stderr; with ``--json`` stdout carries exactly one JSON object.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from core.bench.chunk import ChunkSizes, bench_chunk
from core.bench.encode import EncodeSizes, ReopenSizes, bench_encode, bench_reopen
from core.bench.finetune import FinetuneSizes, bench_finetune
from core.bench.first_map import (
    EncodeFastSizes,
    FirstMapSizes,
    PayloadSizes,
    bench_encode_fast,
    bench_first_map,
    bench_payload,
)
from core.bench.graphs import GraphSizes, bench_graphs
from core.bench.images import ImageSizes, bench_images
from core.bench.indexlab import IndexLabSizes, bench_indexlab
from core.bench.map1m import Map1mSizes, bench_map1m
from core.bench.maps import (
    Map100kSizes,
    RerunSizes,
    TsneSizes,
    UmapSizes,
    bench_map100k,
    bench_rerun,
    bench_tsne,
    bench_umap,
)
from core.bench.quality import QualitySizes, bench_quality
from core.bench.search import ChromaSizes, bench_chroma
from core.bench.sessions import SessionsSizes, bench_sessions
from core.bench.static import StaticSizes, bench_static
from core.errors import UserError

Sizes = TypeVar("Sizes")


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Section(Generic[Sizes]):
    """A bench section: its function, and the sizes it runs at in a full and in a smoke run."""

    run: Callable[[Path, Sizes], dict[str, float]]
    full: Sizes
    smoke: Sizes

    def __call__(self, workdir: Path, *, smoke: bool = False) -> dict[str, float]:
        return self.run(workdir, self.smoke if smoke else self.full)


# The map the smoke run's app sections open: the Lee sentences embedded with GloVe word vectors and projected with
# PCA, so no transformer model is loaded and no UMAP kernel compiled for them.
SMOKE_LINK = "data=lee-sentences&model=glove-6b-50d&method=pca"

SECTIONS: dict[str, Section[Any]] = {
    "encode": Section(bench_encode, EncodeSizes(), smoke=EncodeSizes(texts=64, repeats=1)),
    "reopen": Section(bench_reopen, ReopenSizes(), smoke=ReopenSizes(texts=32)),
    "chunk": Section(bench_chunk, ChunkSizes(), smoke=ChunkSizes(documents=8)),
    "chroma": Section(bench_chroma, ChromaSizes(), smoke=ChromaSizes(vectors=500, queries=5)),
    "umap": Section(bench_umap, UmapSizes(), smoke=UmapSizes(points=300)),
    "tsne": Section(bench_tsne, TsneSizes(), smoke=TsneSizes(points=100)),
    "map100k": Section(bench_map100k, Map100kSizes(), smoke=Map100kSizes(points=500, own_kernels=False)),
    "rerun": Section(bench_rerun, RerunSizes(), smoke=RerunSizes(link=SMOKE_LINK)),
    "finetune": Section(bench_finetune, FinetuneSizes(), smoke=FinetuneSizes(documents=8, pairs=16)),
    "first_map": Section(bench_first_map, FirstMapSizes(),
                         smoke=FirstMapSizes(link=SMOKE_LINK, baseline_texts=64, machine_setup=False)),
    "encode_fast": Section(bench_encode_fast, EncodeFastSizes(), smoke=EncodeFastSizes(texts=64)),
    "payload": Section(bench_payload, PayloadSizes(), smoke=PayloadSizes(points=500)),
    "sessions": Section(bench_sessions, SessionsSizes(), smoke=SessionsSizes(link=SMOKE_LINK, room=2, repeats=1)),
    "static": Section(bench_static, StaticSizes(), smoke=StaticSizes(copies=1, epochs=1, rounds=1)),
    "quality": Section(bench_quality, QualitySizes(), smoke=QualitySizes(points=600, permutations=20)),
    "graphs": Section(bench_graphs, GraphSizes(), smoke=GraphSizes(nodes=300, walks_per_node=2, walk_length=10)),
    "indexlab": Section(bench_indexlab, IndexLabSizes(), smoke=IndexLabSizes(vectors=600, dim=32, queries=20)),
    "images": Section(bench_images, ImageSizes(), smoke=ImageSizes(images=12, rss_images=2, int8=False)),
    "map1m": Section(bench_map1m, Map1mSizes(), smoke=Map1mSizes(points=3_000, new_points=300, graph_points=2_000,
                                                                 recall_rows=100)),
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
    Comparison("images/s", "ours", "image_embed_per_s", "plain torch", "image_embed_baseline_per_s", "ours/plain",
               "image_embed_ratio"),
    Comparison("DeepWalk s, 10k nodes", "ours", "graph_embed_s", "plain", "graph_embed_baseline_s", "ours/plain",
               "graph_embed_ratio"),
    Comparison("fine-tune pairs/s", "LoRA", "lora_train_pairs_per_s", "full", "finetune_pairs_per_s", "LoRA/full",
               "lora_train_ratio"),
    Comparison("fine-tuned folder MB", "LoRA", "lora_folder_mb", "full", "finetune_folder_mb", "LoRA/full",
               "lora_folder_ratio"),
    Comparison("static training words/s", "ours", "static_train_words_per_s", "gensim",
               "static_train_baseline_words_per_s", "ours/gensim", "static_train_ratio"),
    Comparison("kNN graph s, 200k x 384", "IVF-Flat", "knn_graph_ivf_s", "NN-descent", "knn_graph_nndescent_s",
               "NN-descent/IVF", "knn_graph_speedup"),
    Comparison("kNN graph recall@16", "IVF-Flat", "knn_graph_ivf_recall", "NN-descent", "knn_graph_nndescent_recall",
               "IVF/NN-descent", "knn_graph_recall_ratio"),
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


def _checked(name: str, figures: dict[str, float], results: dict[str, object]) -> dict[str, float]:
    """A section's figures, refused when there are none or one would replace a figure already reported."""
    if not figures:
        raise RuntimeError(f"bench section {name} reported no figures")
    repeated = sorted(set(figures) & set(results))
    if repeated:
        raise RuntimeError(f"bench section {name} reports figures already reported: {', '.join(repeated)}")
    return figures


def run_bench(as_json: bool = False, sections: list[str] | None = None, smoke: bool = False) -> int:
    """Run the chosen sections (all by default; at their smoke sizes with `smoke`) and print one JSON object or a
    table; returns 0."""
    names = _resolve(sections)
    results: dict[str, object] = {}
    with _scratch_data_dir() as root:
        for name in names:
            workdir = root / name
            workdir.mkdir()
            start = time.perf_counter()
            _log(f"section {name}" + (" (smoke sizes)" if smoke else ""))
            figures = _checked(name, SECTIONS[name](workdir, smoke=smoke), results)
            seconds = time.perf_counter() - start
            results |= figures | {f"section_{name}_s": round(seconds, 2)}
            _log(f"section {name} done in {seconds:.1f} s: {json.dumps(figures)}")  # a cut run keeps its figures
    print(json.dumps(results) if as_json else format_table(results), flush=True)
    return 0
