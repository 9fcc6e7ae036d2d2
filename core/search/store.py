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
from core.search.exact import ExactIndex, Snapshot
from core.search.ingest import BATCH_SIZE, IngestReport, Progress

COLLECTION_COLUMNS = ["name", "dataset", "model_id", "dimension", "metric", "count", "rows", "status", "created_at",
                      "search_ef"]


class VectorStore:
    """Collections of our vectors in Chroma: ingest, query, exact check, list, delete."""

    def __init__(self, client: Any, *, path: Path | None = None, location: str = "") -> None:
        self.client, self.path = client, path
        self.location = location or (f"embedded store at {path}" if path else "Chroma server")

    @classmethod
    def open(cls, path: str | Path | None = None, *, host: str | None = None,
             port: int | str | None = None) -> VectorStore:
        """Open the embedded store (default) or a server, as `open_client` decides."""
        client = open_client(path, host=host, port=port)
        server = server_address(host, port)
        if server:
            return cls(client, location=f"Chroma server at {server[0]}:{server[1]}")
        return cls(client, path=Path(path) if path else default_path())

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

    # ------------------------------------------------------------------ writing

    def ingest(self, name: str, *, texts: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]],
               model_id: str, model_key: str, dataset: str, metric: str = "cosine",
               batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> IngestReport:
        """Make the collection hold exactly these rows (see `core.search.ingest.ingest`)."""
        return ingesting.ingest(self.client, name, texts=texts, vectors=vectors, metadatas=metadatas,
                                model_id=model_id, model_key=model_key, dataset=dataset, metric=metric,
                                batch_size=batch_size, progress=progress)

    # ------------------------------------------------------------------ querying

    def query(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
              where_document: dict | None = None, model_id: str | None = None) -> pd.DataFrame:
        """The k nearest rows per query vector, as a table (query, rank, id, distance, similarity, text, metadata).

        `similarity` is the cosine similarity of the query and the hit, whatever the metric.
        """
        collection = find_collection(self.client, name)
        if collection is None:
            self.require(name)
        queries = reading.check_query(read_info(collection, count=False), vectors, model_id)
        return reading.nearest(collection, queries, k=k, where=where, where_document=where_document)

    def vectors(self, name: str, *, where: dict | None = None,
                where_document: dict | None = None) -> tuple[list[str], np.ndarray, list[str], list[dict]]:
        """(ids, vectors, texts, metadata) of every stored row matching the filters, read in pages."""
        return reading.read_rows(get_collection(self.client, name), where, where_document)

    def matching_ids(self, name: str, *, where: dict | None = None, where_document: dict | None = None) -> list[str]:
        """Ids of the stored rows that pass the filters (no vectors read)."""
        return reading.matching_ids(get_collection(self.client, name), where, where_document)

    def exact_query(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
                    where_document: dict | None = None, snapshot: Snapshot | None = None) -> pd.DataFrame:
        """The same search as `query`, answered by brute force over the stored vectors.

        Pass a `snapshot` (from `snapshot()`) to reuse vectors already read; filters are then
        applied by asking Chroma which ids match.
        """
        info = self.require(name)
        queries = reading.check_query(info, vectors, None)
        snap = snapshot if snapshot is not None else self.snapshot(name)
        allowed = None
        if where or where_document:
            matching = set(self.matching_ids(name, where=where, where_document=where_document))
            allowed = np.fromiter((i in matching for i in snap.ids), dtype=bool, count=len(snap.ids))
        return snap.search(queries, k=k, allowed=allowed)

    def snapshot(self, name: str) -> Snapshot:
        """All stored rows of a collection in memory, ready for exact search."""
        info = self.require(name)
        ids, matrix, texts, metas = self.vectors(name)
        return Snapshot(ids, texts, metas, ExactIndex(matrix, info.metric) if len(ids) else None)
