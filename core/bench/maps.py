"""Bench sections for the map (registered in core.bench.SECTIONS).

- umap: our projection path (shared kNN graph, then UMAP on it) vs plain `umap.UMAP(random_state=0)`
  on the same 20,000 x 384 clustered vectors, both after numba warm-up: seconds and trustworthiness.
- tsne: our t-SNE (openTSNE) vs scikit-learn's TSNE on 5,000 points.
- map100k: 100,000 x 384 vectors to map, clusters and faithfulness, end to end, in a fresh process
  (its peak resident memory is the process's own, also read after each step). Its kNN preservation is set beside
  `map_100k_knn_chance_in_cluster`, a random map's within a planted cluster: the clusters are isotropic noise
  around their centres, so neighbours inside one carry no structure a 2D map could keep; what the map must keep,
  the clusters apart, is `map_100k_label_agreement` (the share of each point's 10 map neighbours from its cluster).
- rerun: the Map page in AppTest, in a fresh process with an empty data folder: the first run, then a
  rerun after a colour change.

The Map page sections open the view a link names (`link`, its query string; empty: the default map).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.bench.child import json_child
from core.vectors import unit_rows

DIM = 384
CENTRES = 40
TRUST_K = 10


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def clustered_vectors(n: int, *, dim: int = DIM, centres: int = CENTRES, spread: float = 0.6,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around `centres` random directions (a stand-in for sentence embeddings), and their centre."""
    rng = np.random.default_rng(seed)
    middles = rng.normal(size=(centres, dim)).astype(np.float32)
    labels = rng.integers(0, centres, n)
    X = middles[labels] + rng.normal(scale=spread, size=(n, dim)).astype(np.float32)
    return unit_rows(X, np.float32), labels


def synthetic_texts(labels: np.ndarray, *, seed: int = 0, words: int = 8) -> list[str]:
    """Short texts whose words come mostly from their cluster's own vocabulary (for c-TF-IDF labels)."""
    rng = np.random.default_rng(seed)
    own = rng.integers(0, 20, size=(len(labels), words))
    shared = rng.integers(0, 50, size=(len(labels), 3))
    return [" ".join([f"topic{c}term{w}" for w in row] + [f"common{w}" for w in extra])
            for c, row, extra in zip(labels, own, shared)]


def _timed(step):
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


# --------------------------------------------------------------------------- umap

WARM_UP_N = 5_000  # points of plain UMAP's own warm-up fit


@dataclass(frozen=True)
class UmapSizes:
    """How many clustered vectors both paths project."""

    points: int = 20_000


def bench_umap(workdir: Path, sizes: UmapSizes) -> dict[str, float]:
    """Ours (shared graph + UMAP) vs plain umap.UMAP(random_state=0).fit_transform, 20,000 x 384."""
    from core.maps.numba_cache import enable
    enable()
    import umap

    from core.maps.knn import EXACT_LIMIT, warm_up_nndescent
    from core.maps.projection import (
        ProjectionParams,
        fit_projection,
        trustworthiness_score,
        warm_up_umap,
    )

    X, _ = clustered_vectors(sizes.points)
    params = ProjectionParams(random_state=0)
    _log("umap: numba warm-up (both paths, with NN-descent for cosine and euclidean where the data is large enough "
         "to use it)")
    warm_up_umap("cosine")
    if len(X) > EXACT_LIMIT:  # below it our kNN graph is exact
        warm_up_nndescent("cosine")
    umap.UMAP(random_state=0).fit_transform(X[:WARM_UP_N])
    _log(f"umap: baseline on {len(X):,} x {X.shape[1]}")
    base, base_s = _timed(lambda: umap.UMAP(random_state=0).fit_transform(X))
    _log(f"umap: baseline {base_s:.1f} s; ours")
    ours, ours_s = _timed(lambda: fit_projection(X, params, max_fit=len(X)).coords)
    _log(f"umap: ours {ours_s:.1f} s")
    return {
        "umap_ours_s": round(ours_s, 3),
        "umap_baseline_s": round(base_s, 3),
        "umap_speedup": round(base_s / ours_s, 3),
        "umap_trustworthiness_ours": round(trustworthiness_score(X, ours, k=TRUST_K, metric="cosine"), 4),
        "umap_trustworthiness_baseline": round(trustworthiness_score(X, base, k=TRUST_K, metric="cosine"), 4),
        "umap_n": len(X),
    }


# --------------------------------------------------------------------------- t-SNE


@dataclass(frozen=True)
class TsneSizes:
    """How many clustered vectors both t-SNEs project."""

    points: int = 5_000


def bench_tsne(workdir: Path, sizes: TsneSizes) -> dict[str, float]:
    """The app's t-SNE (`tsne_engine`) vs scikit-learn's TSNE, same perplexity, metric and PCA initialisation;
    `tsne_app_uses_opentsne` says which one the app runs."""
    from sklearn.manifold import TSNE

    from core.maps.projection import trustworthiness_score
    from core.maps.projector import Projector
    from core.maps.tsne import tsne_engine

    X, _ = clustered_vectors(sizes.points)
    _log(f"tsne: ours ({tsne_engine()}) on {len(X):,} x {X.shape[1]}")
    ours, ours_s = _timed(lambda: Projector("tsne", perplexity=30.0, metric="cosine", random_state=0).fit_transform(X))
    _log(f"tsne: ours {ours_s:.1f} s; scikit-learn")
    base, base_s = _timed(lambda: TSNE(perplexity=30.0, metric="cosine", init="pca", random_state=0).fit_transform(X))
    _log(f"tsne: scikit-learn {base_s:.1f} s")
    return {
        "tsne_ours_s": round(ours_s, 3),
        "tsne_sklearn_s": round(base_s, 3),
        "tsne_speedup": round(base_s / ours_s, 3),
        "tsne_trustworthiness_ours": round(trustworthiness_score(X, ours, k=TRUST_K, metric="cosine"), 4),
        "tsne_trustworthiness_sklearn": round(trustworthiness_score(X, base, k=TRUST_K, metric="cosine"), 4),
        "tsne_n": len(X),
        "tsne_app_uses_opentsne": tsne_engine() == "openTSNE",
    }


# --------------------------------------------------------------------------- children


_MAP_CHILD = """
import json, sys, time
from core.bench.child import peak_rss_mb
from core.bench.maps import CENTRES, clustered_vectors, synthetic_texts
from core.maps.faithfulness import map_neighbours
from core.maps.clusters import ClusterSpec
from core.maps.knn import EXACT_LIMIT, warm_up_nndescent
from core.maps.build import build_map
from core.maps.projection import ProjectionParams, warm_up_umap
t0 = time.perf_counter()
warm_up_umap("cosine")
if {n} > EXACT_LIMIT:  # below it the kNN graph is exact
    warm_up_nndescent("cosine")
warm_s = time.perf_counter() - t0
X, labels = clustered_vectors({n})
texts = synthetic_texts(labels)
peaks = {{}}  # step -> the process's peak memory when it ended
def log(m):
    peaks[m.split(":")[0]] = peak_rss_mb()
    print("[bench] map100k: " + m, file=sys.stderr, flush=True)
t0 = time.perf_counter()
run = build_map(X, texts, ProjectionParams(), clusters=ClusterSpec(), use_cache=False, log=log)
total = time.perf_counter() - t0
peak_mb = peak_rss_mb()
out = {{"map_100k_s": total, "map_100k_peak_mb": peak_mb, "map_100k_warmup_s": warm_s,
       "map_100k_n": len(X), "map_100k_fit_rows": len(run.fitted.fit_rows),
       "map_100k_clusters": run.clusters.n_clusters, "map_100k_noise_share": run.clusters.noise_share,
       "map_100k_knn_preservation": run.faith.preservation_mean, "map_100k_trustworthiness": run.faith.trust_mean,
       "map_100k_knn_chance_in_cluster": min(1.0, run.faith.k * CENTRES / len(X)),
       "map_100k_label_agreement": float((labels[map_neighbours(run.coords, 10)] == labels[:, None]).mean())}}
out |= {{f"map_100k_{{k}}_s": v for k, v in run.timings.items()}}
out |= {{f"map_100k_{{k}}_peak_mb": v for k, v in peaks.items()}}
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Map100kSizes:
    """How many clustered vectors go through the whole map, and whether the fresh process compiles its numba
    kernels as a new machine does (or takes those this process compiled, when it has)."""

    points: int = 100_000
    own_kernels: bool = True


def bench_map100k(workdir: Path, sizes: Map100kSizes) -> dict[str, float]:
    """100,000 x 384 vectors to map + clusters + faithfulness, end to end, in a fresh process (after warm-up)."""
    _log(f"map100k: child process, {sizes.points:,} x {DIM} clustered vectors")
    result = json_child(["-c", _MAP_CHILD.format(n=sizes.points)], workdir, "map100k", own_kernels=sizes.own_kernels)
    _log(f"map100k: {result['map_100k_s']:.1f} s, peak {result['map_100k_peak_mb']:.0f} MB")
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


@dataclass(frozen=True)
class RerunSizes:
    """The view the Map page opens."""

    link: str = ""


def bench_rerun(workdir: Path, sizes: RerunSizes) -> dict[str, float]:
    """The Map page in AppTest (fresh process, empty caches): first run, then a rerun after a colour change."""
    _log("rerun: AppTest child (the cold run embeds the data and projects it)")
    # the child drives the UI, so its script lives in components/, outside core
    result = json_child(["-m", "components.bench.rerun", sizes.link], workdir, "rerun")
    _log(f"rerun: cold {result['rerun_cold_s']:.1f} s, warm {result['rerun_warm_s']:.3f} s")
    return {"rerun_cold_s": round(result["rerun_cold_s"], 3), "rerun_warm_s": round(result["rerun_warm_s"], 4),
            "rerun_speedup": round(result["rerun_cold_s"] / result["rerun_warm_s"], 1)}
