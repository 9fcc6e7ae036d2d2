"""Bench section `map1m`: a million vectors through `python -m core map`, then grown with `--transform-from`.

A seeded clustered float32 `.npy` of `points + new_points` rows is written to the workdir, and its first
`points` rows to a file of their own. A fresh process maps those (memory-mapped, after the numba kernels are compiled) and reports
its seconds and its own peak resident memory; a second process places the `new_points` rows on that map.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

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
import json, resource, time
from core.cli.commands import main
from core.maps.knn import warm_up_nndescent
from core.maps.projection import warm_up_umap
warm_up_umap("cosine"); warm_up_nndescent("cosine")
start = time.perf_counter()
code = main(["map", {old!r}, "--out", {out!r}])
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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


@dataclass(frozen=True)
class Map1mSizes:
    """Rows mapped, and rows then placed on that map."""

    points: int = 1_000_000
    new_points: int = 100_000


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
    result |= {"map1m_n": sizes.points, "transform_from_n": sizes.new_points}
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
