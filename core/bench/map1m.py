"""Bench section `map1m`: a million vectors through `python -m core map`, then grown with `--transform-from`.

A seeded clustered float32 `.npy` of `points + new_points` rows is written to the workdir, and its first
`points` rows to a file of their own. A fresh process maps those (memory-mapped, after the numba kernels are compiled) and reports
its seconds and its own peak resident memory; a second process places the `new_points` rows on that map.
Then the neighbour graph of the first `graph_points` rows (what a large map's neighbour panel reads) is built by
NN-descent, as the app does, and by FAISS's IVF-Flat, each checked against brute force.
Last, the bytes the Map page sends for that map: its first draw coloured by cluster, and the rerun after the
colour changes to none (core.maps.payload).
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.bench.child import json_child
from core.vectors import unit_rows

DIM = 384
CENTRES = 60
SPREAD = 0.6
WRITE_CHUNK = 100_000


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def write_clustered_npy(path: Path, n: int, *, dim: int = DIM, centres: int = CENTRES, seed: int = 0) -> Path:
    """Unit float32 vectors around `centres` seeded random directions, written a chunk of rows at a time."""
    rng = np.random.default_rng(seed)
    middles = rng.normal(size=(centres, dim)).astype(np.float32)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, dim))
    for start in range(0, n, WRITE_CHUNK):
        rows = min(WRITE_CHUNK, n - start)
        labels = rng.integers(0, centres, rows)
        noise = rng.normal(scale=SPREAD, size=(rows, dim)).astype(np.float32)
        out[start:start + rows] = unit_rows(middles[labels] + noise, np.float32)
    out.flush()
    del out
    return path


def copy_rows(source: Path, dest: Path, n: int) -> Path:
    """The first `n` rows of a `.npy` file as a file of their own, a chunk at a time."""
    rows = np.load(source, mmap_mode="r", allow_pickle=False)
    out = np.lib.format.open_memmap(dest, mode="w+", dtype=rows.dtype, shape=(n, rows.shape[1]))
    for start in range(0, n, WRITE_CHUNK):
        out[start:start + WRITE_CHUNK] = rows[start:min(n, start + WRITE_CHUNK)]
    out.flush()
    del out
    return dest


_MAP_CHILD = """
import json, time
from core.bench.child import peak_rss_mb
from core.cli.commands import main
from core.maps.knn import warm_up_nndescent
from core.maps.projection import warm_up_umap
warm_up_umap("cosine"); warm_up_nndescent("cosine")
start = time.perf_counter()
code = main(["map", {old!r}, "--out", {out!r}])
seconds = time.perf_counter() - start
peak_mb = peak_rss_mb()
import pandas as pd
frame = pd.read_parquet({out!r}, columns=["trustworthiness", "cluster"])
print(json.dumps({{"map1m_s": seconds, "map1m_rss_mb": peak_mb, "map1m_exit": code,
                  "map1m_trust": float(frame["trustworthiness"].mean()),
                  "map1m_trust_rows": int(frame["trustworthiness"].notna().sum()),
                  "map1m_clusters": int(frame["cluster"].max()) + 1}}))
"""

_GROW_CHILD = """
import json, time
from core.cli.commands import main
from core.maps.knn import warm_up_nndescent
from core.maps.projection import warm_up_umap
warm_up_umap("cosine"); warm_up_nndescent("cosine")
start = time.perf_counter()
code = main(["map", {source!r}, "--transform-from", {old_map!r}, "--out", {out!r}])
print(json.dumps({{"transform_from_s": time.perf_counter() - start, "transform_from_exit": code}}))
"""


def _payload(map_path: str) -> dict[str, int]:
    """Bytes of the Map page's first draw of a written map, coloured by cluster, and of the rerun without colour."""
    import pandas as pd

    from core.maps.payload import recolour_payload

    frame = pd.read_parquet(map_path)
    text = frame.columns[-1]  # the data's own label column comes after the map's columns
    sent = recolour_payload(frame[["x", "y"]].to_numpy(np.float32), frame, text_column=text, first="cluster",
                            then=None, max_categories=CENTRES)  # every cluster its own colour, as on the Map page
    _log(f"map1m: first draw {sent['first_bytes']:,} bytes, rerun after a colour change {sent['rerun_bytes']:,}")
    return {"map1m_payload_bytes": sent["first_bytes"], "map1m_rerun_bytes": sent["rerun_bytes"]}


@dataclass(frozen=True)
class Map1mSizes:
    """Rows mapped, rows then placed on that map, and rows whose neighbour graph both engines build (with
    `recall_rows` of them checked against brute force)."""

    points: int = 1_000_000
    new_points: int = 100_000
    graph_points: int = 200_000
    recall_rows: int = 1_000


GRAPH_K = 16  # the shared graph's width (core.maps.projection.GRAPH_MIN_K)


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each row's true neighbours that were found."""
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, truth)]))


def _clocked(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """The step's result, its wall seconds and this process's CPU seconds (all threads) while it ran: on a shared
    machine the CPU seconds say what the step costs."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench_graph(source: Path, sizes: Map1mSizes) -> dict[str, float]:
    """The neighbour graph of the first `graph_points` rows by IVF-Flat (FAISS, its threads) and by NN-descent (one
    thread, kernels compiled first): seconds, and recall of `recall_rows` seeded rows against brute force."""
    import faiss

    from core.maps.knn import _nndescent, exact_knn, warm_up_nndescent
    from core.maps.knn_faiss import ivf_knn

    X = np.load(source, mmap_mode="r", allow_pickle=False)[:sizes.graph_points]
    rows = np.sort(np.random.default_rng(1).choice(len(X), min(sizes.recall_rows, len(X)), replace=False))
    truth = exact_knn(np.asarray(X[rows]), X, GRAPH_K + 1)[0]
    warm_up_nndescent("cosine")
    _log(f"graph: IVF-Flat and NN-descent on {len(X):,} x {X.shape[1]}")
    (ivf, _), ivf_s, ivf_cpu_s = _clocked(lambda: ivf_knn(X, GRAPH_K + 1))
    nnd, nnd_s, nnd_cpu_s = _clocked(
        lambda: np.asarray(_nndescent(np.ascontiguousarray(X), GRAPH_K + 1, "cosine", 0).neighbor_graph[0]))
    ivf_recall, nnd_recall = _recall(ivf[rows], truth), _recall(nnd[rows], truth)
    _log(f"graph: IVF-Flat {ivf_s:.1f} s (recall {ivf_recall:.3f}), NN-descent {nnd_s:.1f} s ({nnd_recall:.3f})")
    return {"knn_graph_ivf_s": ivf_s, "knn_graph_nndescent_s": nnd_s, "knn_graph_speedup": nnd_s / ivf_s,
            "knn_graph_ivf_cpu_s": ivf_cpu_s, "knn_graph_nndescent_cpu_s": nnd_cpu_s,
            "knn_graph_ivf_recall": ivf_recall, "knn_graph_nndescent_recall": nnd_recall,
            "knn_graph_recall_ratio": ivf_recall / nnd_recall, "knn_graph_n": len(X),
            "knn_graph_ivf_threads": faiss.omp_get_max_threads()}


def bench_map1m(workdir: Path, sizes: Map1mSizes) -> dict[str, float]:
    """A million clustered vectors mapped end to end (seconds, peak memory, sampled trustworthiness), then grown."""
    from core.maps.numba_cache import enable
    enable()  # both children share this process's kernel cache: the second does not compile them again
    source = write_clustered_npy(workdir / "map1m.npy", sizes.points + sizes.new_points)
    old = str(copy_rows(source, workdir / "map1m-old.npy", sizes.points))
    old_map, grown = str(workdir / "map1m.parquet"), str(workdir / "map1m-grown.parquet")
    _log(f"map1m: mapping {sizes.points:,} x {DIM} vectors in a fresh process")
    result = json_child(["-c", _MAP_CHILD.format(old=old, out=old_map)],
                        workdir, "map1m", own_kernels=False)
    _log(f"map1m: {result['map1m_s']:.1f} s, peak {result['map1m_rss_mb']:.0f} MB; placing {sizes.new_points:,} more")
    result |= json_child(["-c", _GROW_CHILD.format(source=str(source), old_map=old_map, out=grown)],
                         workdir, "map1m-grow", own_kernels=False)
    result |= {"map1m_n": sizes.points, "transform_from_n": sizes.new_points} | bench_graph(source, sizes)
    result |= _payload(old_map)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
