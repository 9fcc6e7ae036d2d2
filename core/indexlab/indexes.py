"""The indexes the lab builds over unit-length float32 vectors, each answering one query at a time.

Every builder returns a `Built`: its build time, its size and one `Variant` per query-time setting it is
measured at. Each ranks by the lab's metric where it can: inner product for cosine (the vectors are then of
unit length) and dot product, L2, and for some L1; `SUPPORTS` says which index serves which metric.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from core.distances import distances, hamming, pack_signs
from core.vectors import top_k, unit_rows

SearchFn = Callable[[np.ndarray, int], np.ndarray]  # (1 x d query, k) -> row numbers, nearest first
FAISS_HNSW_M = 32
FAISS_HNSW_EF_SEARCH = 64
IVFPQ_PROBE_SHARE = 0.1  # IVF-PQ probes this share of its lists
RESCORE_FACTORS = (1, 4, 10)
FAISS_METRICS = {"cosine": "METRIC_INNER_PRODUCT", "dot": "METRIC_INNER_PRODUCT", "l2": "METRIC_L2",
                 "l1": "METRIC_L1"}
# The metrics each index can rank by (binary codes: Hamming on their own, any metric once rescored).
SUPPORTS = {"exact": ("cosine", "dot", "l2", "l1", "hamming"), "hnsw": ("cosine", "dot", "l2"),
            "ivf": ("cosine", "dot", "l2", "l1"), "ivfpq": ("cosine", "dot", "l2"),
            "faiss_hnsw": ("cosine", "dot", "l2", "l1"), "int8": ("cosine", "dot", "l2"),
            "binary": ("cosine", "dot", "l2", "hamming")}


@dataclass
class Variant:
    """One way of querying a built index: its name, kind, settings and how to open its search."""

    name: str
    kind: str
    params: dict[str, Any]
    searcher: Callable[[], AbstractContextManager[SearchFn]]


@dataclass
class Built:
    """An index built over the stored vectors: how long it took, its size in bytes, and its variants."""

    build_s: float
    index_bytes: int
    variants: list[Variant]
    close: Callable[[], None] = field(default=lambda: None)


def faiss_module() -> Any:
    """FAISS, imported when first needed (its type stubs lag its API, so it is used untyped)."""
    import faiss

    return faiss


@contextmanager
def ready(search: SearchFn) -> Iterator[SearchFn]:
    """A search that needs no opening."""
    yield search


def faiss_bytes(index: Any) -> int:
    """Size of a FAISS index as it is written out."""
    faiss = faiss_module()

    writer = faiss.serialize_index_binary if isinstance(index, faiss.IndexBinary) else faiss.serialize_index
    return int(writer(index).nbytes)


def faiss_metric(metric: str) -> Any:
    """FAISS's constant for a metric (inner product for cosine: the lab gives it unit vectors)."""
    return getattr(faiss_module(), FAISS_METRICS[metric])


def _timed(make: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    made = make()
    return made, time.perf_counter() - start


def build_exact(x: np.ndarray, metric: str = "cosine") -> Built:
    """Brute force by BLAS under `metric`: the ground truth (Hamming over the rows' sign codes, packed once)."""
    codes = pack_signs(x) if metric == "hamming" else None
    rows = unit_rows(x) if metric == "cosine" else x  # scaled once, so a query costs one product

    def search(q: np.ndarray, k: int) -> np.ndarray:
        if codes is not None:
            return top_k(hamming(pack_signs(q), codes), k)[0][0]
        if metric == "cosine":
            return top_k(-(unit_rows(q) @ rows.T), k)[0][0]
        return top_k(-(q @ rows.T) if metric == "dot" else distances(q, rows, metric), k)[0][0]
    size = codes.nbytes if codes is not None else x.nbytes
    return Built(0.0, int(size), [Variant("exact", "exact", {"metric": metric}, lambda: ready(search))])


def quiet(clustering: Any) -> None:
    """K-means that trains on what it is given without warning that more points would be better."""
    clustering.min_points_per_centroid = 1


def nlist_for(n: int) -> int:
    """IVF lists: about the square root of the number of vectors."""
    return max(1, min(n, round(math.sqrt(n))))


def probe_sweep(nlist: int) -> tuple[int, ...]:
    """Lists probed: powers of two below `nlist`, then all of them."""
    return tuple(p for p in (1, 2, 4, 8, 16, 32, 64, 128) if p < nlist) + (nlist,)


def build_ivf(x: np.ndarray, metric: str = "cosine") -> Built:
    """FAISS IVF-Flat under `metric` with about √N lists, swept over the lists probed."""
    faiss = faiss_module()

    nlist = nlist_for(len(x))

    def make():
        fm = faiss_metric(metric)
        index = faiss.IndexIVFFlat(faiss.IndexFlat(x.shape[1], fm), x.shape[1], nlist, fm)
        quiet(index.cp)
        index.train(x)
        index.add(x)
        return index
    index, build_s = _timed(make)
    variants = [Variant(f"IVF-Flat nprobe={p}", "ivf", {"nlist": nlist, "nprobe": p},
                        partial(ready, _faiss_search(index, faiss.SearchParametersIVF(nprobe=p))))
                for p in probe_sweep(nlist)]
    return Built(build_s, faiss_bytes(index), variants)


def _faiss_search(index: Any, params: Any = None) -> SearchFn:
    def search(q: np.ndarray, k: int) -> np.ndarray:
        ids = index.search(q, k, params=params)[1][0]
        return ids[ids >= 0]
    return search


def pq_m_for(dim: int, wanted: int | None) -> int:
    """Sub-quantisers for IVF-PQ: `wanted` when it divides the dimension, else the largest divisor up to dim / 8."""
    target = wanted or max(1, dim // 8)
    return max(m for m in range(1, min(target, dim) + 1) if dim % m == 0)


def build_ivfpq(x: np.ndarray, *, m: int, nbits: int, metric: str = "cosine") -> Built:
    """FAISS IVF-PQ under `metric` (not L1): m codes of nbits bits a vector, probing a tenth of about √N lists."""
    faiss = faiss_module()

    nlist = nlist_for(len(x))
    nprobe = max(1, math.ceil(nlist * IVFPQ_PROBE_SHARE))

    def make():
        fm = faiss_metric(metric)
        index = faiss.IndexIVFPQ(faiss.IndexFlat(x.shape[1], fm), x.shape[1], nlist, m, nbits, fm)
        quiet(index.cp)
        quiet(index.pq.cp)
        index.train(x)
        index.add(x)
        return index
    index, build_s = _timed(make)
    params = {"nlist": nlist, "nprobe": nprobe, "m": m, "nbits": nbits}
    search = _faiss_search(index, faiss.SearchParametersIVF(nprobe=nprobe))
    return Built(build_s, faiss_bytes(index), [Variant(f"IVF-PQ m={m} nbits={nbits}", "ivfpq", params,
                                                        lambda: ready(search))])


def build_faiss_hnsw(x: np.ndarray, metric: str = "cosine") -> Built:
    """FAISS HNSW (flat storage) under `metric` with its usual settings."""
    faiss = faiss_module()

    def make():
        index = faiss.IndexHNSWFlat(x.shape[1], FAISS_HNSW_M, faiss_metric(metric))
        index.add(x)
        return index
    index, build_s = _timed(make)
    params = {"M": FAISS_HNSW_M, "ef_construction": int(index.hnsw.efConstruction), "ef_search": FAISS_HNSW_EF_SEARCH}
    search = _faiss_search(index, faiss.SearchParametersHNSW(efSearch=FAISS_HNSW_EF_SEARCH))
    return Built(build_s, faiss_bytes(index), [Variant("FAISS HNSW", "faiss_hnsw", params, lambda: ready(search))])


def int8_codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(int8 codes, per-dimension start, per-dimension step) of the rows, calibrated on the rows themselves
    (`quantize_embeddings`); a code c decodes to start + (c + 128) × step."""
    from sentence_transformers.util.quantization import quantize_embeddings

    codes = np.asarray(quantize_embeddings(x, "int8", calibration_embeddings=x))
    low, high = x.min(axis=0), x.max(axis=0)
    steps = (high - low) / 255
    return codes, low, np.where(steps == 0, 1, steps).astype(np.float32)


def int8_index(codes: np.ndarray, starts: np.ndarray, steps: np.ndarray, metric: str = "cosine") -> Any:
    """A FAISS scalar-quantiser index holding the int8 codes as they are (one byte a dimension), decoding each to
    start + (code + 128) × step, searched under `metric` (inner product or L2) with a float query."""
    faiss = faiss_module()

    index = faiss.IndexScalarQuantizer(codes.shape[1], faiss.ScalarQuantizer.QT_8bit, faiss_metric(metric))
    # FAISS decodes byte u to vmin + (u + 0.5) / 255 × vdiff: these make that start + u × step.
    faiss.copy_array_to_vector(np.concatenate([starts - 0.5 * steps, 255 * steps]).astype(np.float32),
                               index.sq.trained)
    index.is_trained = True
    index.add_sa_codes((codes.astype(np.int16) + 128).astype(np.uint8))
    return index


def build_int8(x: np.ndarray, metric: str = "cosine") -> Built:
    """Calibrated int8 scalar quantisation: the float query against the stored int8 codes, which approximate the
    vectors themselves, under `metric`."""
    index, build_s = _timed(lambda: int8_index(*int8_codes(x), metric=metric))
    search = _faiss_search(index)
    params = {"calibration": "stored vectors", "approximates": f"{metric} on the float vectors"}
    return Built(build_s, faiss_bytes(index), [Variant("int8 (float query)", "int8", params, lambda: ready(search))])


def load_quantisers() -> None:
    """Import the quantisers once, so their import is not counted as build time."""
    faiss_module()
    import sentence_transformers.util.quantization  # noqa: F401


@contextmanager
def one_thread() -> Iterator[None]:
    """FAISS and BLAS on one thread (single queries are timed as one core answers them; idle threads that spin
    on a shared machine would time the machine instead), restored after."""
    from threadpoolctl import threadpool_limits

    faiss = faiss_module()
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        faiss.omp_set_num_threads(before)


def binary_codes(x: np.ndarray) -> np.ndarray:
    """The ubinary codes of the rows (`quantize_embeddings`): one sign bit a dimension, packed."""
    from sentence_transformers.util.quantization import quantize_embeddings

    return np.asarray(quantize_embeddings(x, "ubinary"))


def build_binary(x: np.ndarray, *, factors: tuple[int, ...] = RESCORE_FACTORS, metric: str = "cosine") -> Built:
    """Binary codes searched by Hamming distance (which approximates the angle between vectors), alone and with the
    top k × r rescored under `metric` by the float query against the float vectors (kept on disk, read only for the
    candidates; the index holds the codes). Under Hamming itself the codes are exact and nothing is rescored."""
    faiss = faiss_module()

    def make():
        codes = binary_codes(x)
        index = faiss.IndexBinaryFlat(codes.shape[1] * 8)
        index.add(codes)
        return index
    index, build_s = _timed(make)

    def hamming_top(q: np.ndarray, k: int) -> np.ndarray:
        ids = index.search(binary_codes(q), k)[1][0]
        return ids[ids >= 0]

    def rescored(r: int) -> SearchFn:
        def search(q: np.ndarray, k: int) -> np.ndarray:
            found = hamming_top(q, k * r)
            return found[np.argsort(distances(q, x[found], metric)[0], kind="stable")[:k]]
        return search
    variants = [Variant("binary (Hamming)", "binary", {"approximates": "the angle (sign codes)"},
                        lambda: ready(hamming_top))]
    variants += [Variant(f"binary, rescored {r}×", "binary_rescore",
                         {"rescore": r, "rescored_from": "float vectors on disk", "rescored_by": metric},
                         partial(ready, rescored(r)))
                 for r in (() if metric == "hamming" else factors)]
    return Built(build_s, faiss_bytes(index), variants)
