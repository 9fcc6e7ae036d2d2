"""Chroma's HNSW index measured in a throwaway store in a temporary folder, never the user's store.

Chroma reads `ef_search` when it opens a collection, so each value of the sweep is written to the
collection's configuration and the store is opened afresh before it is queried.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from core.indexlab.indexes import Built, SearchFn, Variant
from core.jobs import check

COLLECTION = "indexlab"
BATCH = 1000
SPACES = {"cosine": "cosine", "dot": "ip", "l2": "l2"}  # the lab's metrics as Chroma's hnsw:space


@contextmanager
def _client(folder: str) -> Iterator[Any]:
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=folder, settings=Settings(anonymized_telemetry=False, allow_reset=False))
    try:
        yield client
    finally:
        client.close()  # type: ignore[attr-defined]  # in chromadb 1.5, missing from ClientAPI


def folder_bytes(folder: str) -> int:
    """Bytes of every file under `folder`."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def build_chroma(x: np.ndarray, *, m: int, ef_construction: int, ef_search: tuple[int, ...], metric: str = "cosine",
                 cancel=None, progress: Callable[[int, int], None] | None = None) -> Built:
    """Chroma HNSW over the rows in the space of `metric` (cosine, ip or l2), built with M and ef_construction,
    swept over ef_search."""
    temp = tempfile.TemporaryDirectory(prefix="ee-indexlab-")
    try:
        start = time.perf_counter()
        with _client(temp.name) as client:
            hnsw = {"space": SPACES[metric], "max_neighbors": m, "ef_construction": ef_construction,
                    "ef_search": ef_search[0]}
            collection = client.create_collection(COLLECTION, embedding_function=None, configuration={"hnsw": hnsw})
            for lo in range(0, len(x), BATCH):
                check(cancel)
                collection.add(ids=[str(i) for i in range(lo, min(lo + BATCH, len(x)))], embeddings=x[lo:lo + BATCH])
                if progress:
                    progress(min(lo + BATCH, len(x)), len(x))
        build_s = time.perf_counter() - start
        size = folder_bytes(temp.name)
    except BaseException:
        temp.cleanup()
        raise
    variants = [Variant(f"Chroma HNSW ef_search={ef}", "hnsw", {"space": SPACES[metric], "M": m,
                                                                 "ef_construction": ef_construction, "ef_search": ef},
                        partial(_searching, temp.name, ef)) for ef in ef_search]
    return Built(build_s, size, variants, close=temp.cleanup)


@contextmanager
def _searching(folder: str, ef_search: int) -> Iterator[SearchFn]:
    """The collection reopened with `ef_search` in force."""
    with _client(folder) as client:
        client.get_collection(COLLECTION, embedding_function=None).modify(configuration={"hnsw": {"ef_search": ef_search}})
    with _client(folder) as client:
        collection = client.get_collection(COLLECTION, embedding_function=None)

        def search(q: np.ndarray, k: int) -> np.ndarray:
            ids = collection.query(query_embeddings=q, n_results=k, include=[])["ids"][0]
            return np.asarray(ids, dtype=np.int64)
        yield search
