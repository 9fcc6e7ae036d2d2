"""The persistent Chroma store: one collection per (dataset, model, metric), filled and searched with our vectors.

Chroma never embeds anything here: every write passes `embeddings=` and every query
`query_embeddings=`, computed by our own models (DESIGN.md section 2).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import UserError
from core.search import ingest as ingesting
from core.search import reading
from core.search.client import default_path, find_collection, get_collection, open_client, server_address
from core.search.collection_info import CollectionInfo, read_info
from core.search.engine import CHROMA, EXACT, EXACT_BELOW, Found
from core.search.exact import SAME_RANKS, Snapshot
from core.search.ingest import BATCH_SIZE, IngestReport, Progress
from core.search.snapshots import HeldSnapshots

COLLECTION_COLUMNS = ["name", "dataset", "model_id", "dimension", "metric", "count", "rows", "status", "created_at",
                      "search_ef"]


class VectorStore:
    """Collections of our vectors in Chroma: ingest, search (exact or Chroma, whichever is faster), list, delete.

    Below `exact_below` vectors a search is answered by exact search over the collection's vectors, read once
    and held in memory; from that size on by Chroma's HNSW index (see `core.search.engine`).
    """

    def __init__(self, client: Any, *, path: Path | None = None, location: str = "",
                 exact_below: int = EXACT_BELOW) -> None:
        self.client, self.path, self.exact_below = client, path, exact_below
        self.location = location or (f"embedded store at {path}" if path else "Chroma server")
        self._snapshots = HeldSnapshots()

    @classmethod
    def open(cls, path: str | Path | None = None, *, host: str | None = None, port: int | str | None = None,
             exact_below: int = EXACT_BELOW) -> VectorStore:
        """Open the embedded store (default) or a server, as `open_client` decides."""
        client = open_client(path, host=host, port=port)
        server = server_address(host, port)
        if server:
            return cls(client, location=f"Chroma server at {server[0]}:{server[1]}", exact_below=exact_below)
        return cls(client, path=Path(path) if path else default_path(), exact_below=exact_below)

    # ------------------------------------------------------------------ managing

    def info(self, name: str) -> CollectionInfo | None:
        """The collection's metadata and count, or None when there is no such collection."""
        collection = find_collection(self.client, name)
        return None if collection is None else read_info(collection)

    def require(self, name: str) -> CollectionInfo:
        """The collection's metadata and count; a UserError naming the known collections when there is none."""
        info = self.info(name)
        if info is None:
            known = ", ".join(self.names()) or "none yet"
            raise UserError(f"No collection named '{name}' in the {self.location}. Known collections: {known}. "
                            "Index the data first (Search page, or `python -m core index`).")
        return info

    def names(self) -> list[str]:
        """The names of every collection, sorted."""
        return sorted(c.name for c in self.client.list_collections())

    def collections(self) -> pd.DataFrame:
        """Every collection with its metadata, one row each."""
        rows = [read_info(c) for c in self.client.list_collections()]
        return pd.DataFrame([{c: (r.status if c == "status" else getattr(r, c)) for c in COLLECTION_COLUMNS}
                             for r in rows], columns=COLLECTION_COLUMNS).sort_values("name", ignore_index=True)

    def size_on_disk(self) -> int | None:
        """Bytes the embedded store takes on disk; None for a server (its disk is not ours to see)."""
        if self.path is None:
            return None
        return sum(f.stat().st_size for f in Path(self.path).rglob("*") if f.is_file())

    def delete(self, name: str) -> None:
        """Remove a collection and its vectors."""
        self.require(name)
        self.client.delete_collection(name)
        self._snapshots.forget(name)

    # ------------------------------------------------------------------ writing

    def ingest(self, name: str, *, texts: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]],
               model_id: str, model_key: str, dataset: str, metric: str = "cosine",
               batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> IngestReport:
        """Make the collection hold exactly these rows (see `core.search.ingest.ingest`)."""
        return ingesting.ingest(self.client, name, texts=texts, vectors=vectors, metadatas=metadatas,
                                model_id=model_id, model_key=model_key, dataset=dataset, metric=metric,
                                batch_size=batch_size, progress=progress)

    # ------------------------------------------------------------------ querying

    def engine_for(self, count: int) -> str:
        """The engine that answers a search of a collection of `count` vectors: EXACT or CHROMA."""
        return EXACT if count < self.exact_below else CHROMA

    def search(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
               where_document: dict | None = None, model_id: str | None = None, metric: str | None = None) -> Found:
        """The k nearest rows per query vector from the faster engine for the collection's size, and which it was;
        under a `metric` that ranks otherwise than the collection's space, from exact search under it.

        The table is the one `query` and `exact_query` return.
        """
        collection, info, queries = self._asking(name, vectors, model_id)
        size = info.rows if info.rows is not None else collection.count()  # `rows` spares a count per query
        if self.engine_for(size) == EXACT or not ranks_as_index(info.metric, metric):
            hits = self._exact(collection, info, queries, k=reading.check_k(k), where=where,
                               where_document=where_document, metric=metric)
            return Found(hits, EXACT)
        return Found(reading.nearest(collection, queries, k=k, where=where, where_document=where_document,
                                     metric=info.metric), CHROMA)

    def query(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
              where_document: dict | None = None, model_id: str | None = None) -> pd.DataFrame:
        """The k nearest rows per query vector by Chroma's index, as a table (query, rank, id, distance, similarity,
        text, metadata).

        `similarity` is the cosine similarity of the query and the hit, whatever the metric.
        """
        collection, info, queries = self._asking(name, vectors, model_id)
        return reading.nearest(collection, queries, k=k, where=where, where_document=where_document,
                               metric=info.metric)

    def vectors(self, name: str, *, where: dict | None = None,
                where_document: dict | None = None) -> tuple[list[str], np.ndarray, list[str], list[dict]]:
        """(ids, vectors, texts, metadata) of every stored row matching the filters, read in pages."""
        return reading.read_rows(get_collection(self.client, name), where, where_document)

    def matching_ids(self, name: str, *, where: dict | None = None, where_document: dict | None = None) -> list[str]:
        """Ids of the stored rows that pass the filters (no vectors read)."""
        return reading.matching_ids(get_collection(self.client, name), where, where_document)

    def exact_query(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
                    where_document: dict | None = None, metric: str | None = None) -> pd.DataFrame:
        """The same search as `query`, answered by brute force over the stored rows held in memory (`snapshot`),
        under `metric` (None: the collection's own, Chroma's distances); filters are applied by asking Chroma which
        ids match."""
        collection, info, queries = self._asking(name, vectors, None)
        return self._exact(collection, info, queries, k=k, where=where, where_document=where_document, metric=metric)

    def snapshot(self, name: str) -> Snapshot:
        """All stored rows of a collection in memory, ready for exact search; read again only after a change."""
        collection = self._collection(name)
        return self._snapshots.get(collection, read_info(collection, count=False))

    def _collection(self, name: str) -> Any:
        """The named collection; a UserError naming the known ones when there is none."""
        collection = find_collection(self.client, name)
        if collection is None:
            self.require(name)
        return collection

    def _asking(self, name: str, vectors: np.ndarray, model_id: str | None) -> tuple[Any, CollectionInfo, np.ndarray]:
        """(collection, its metadata without the count, the query vectors checked against it)."""
        collection = self._collection(name)
        info = read_info(collection, count=False)
        return collection, info, reading.check_query(info, vectors, model_id)

    def _exact(self, collection: Any, info: CollectionInfo, queries: np.ndarray, *, k: int, where: dict | None,
               where_document: dict | None, metric: str | None = None) -> pd.DataFrame:
        """Exact top-k under `metric` over the collection's rows in memory, among those passing the filters."""
        snap = self._snapshots.get(collection, info)
        allowed = None
        if where or where_document:
            allowed = snap.mask(reading.matching_ids(collection, where, where_document))
        return snap.search(queries, k=k, allowed=allowed, metric=metric)


def ranks_as_index(space: str, metric: str | None) -> bool:
    """Whether `metric` (None: the collection's own) ranks as the collection's index does (its `space`)."""
    return metric is None or SAME_RANKS.get(space) == metric
