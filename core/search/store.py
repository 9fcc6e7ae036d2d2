"""The persistent Chroma store: one collection per (dataset, model, metric), filled and searched with our vectors.

Chroma never embeds anything here: every write passes `embeddings=` and every query
`query_embeddings=`, computed by our own models (DESIGN.md section 2).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import UserError
from core.paths import data_dir
from core.search.exact import METRICS, ExactIndex
from core.search.records import batches, is_valid_name, row_ids
from core.vectors import cosine as cosine_similarity
from core.vectors import top_k as _top_k

Progress = Callable[[int, int], None]
BATCH_SIZE = 1000
# HNSW settings, fixed when a collection is created. Chroma 1.5 defaults to ef_search 100, M 16 and
# construction_ef 100: recall@10 0.999 on 20k x 384 clustered vectors, but only 0.90 on unstructured 128-d
# random data; these reach >= 0.98 there too, at about 1-2 ms per query (an old `hnsw:search_ef` 10 gave 0.76).
SEARCH_EF = 200
HNSW_M = 32
CONSTRUCTION_EF = 200
PAGE_SIZE = 5000
RESULT_COLUMNS = ("query", "rank", "id", "distance", "similarity", "text")
COMPLETE, INGESTING = "complete", "ingesting"


def server_address(host: str | None = None, port: int | str | None = None) -> tuple[str, int] | None:
    """(host, port) of the Chroma server to use: the arguments, else CHROMA_HOST/CHROMA_PORT; None for embedded."""
    host = host or os.environ.get("CHROMA_HOST") or None
    port = port or os.environ.get("CHROMA_PORT") or None
    if not (host or port):
        return None
    try:
        return host or "localhost", int(port or 8000)
    except ValueError:
        raise UserError(f"The Chroma port must be a number, got {port!r}.") from None


def default_path() -> Path:
    """Where the embedded store lives unless told otherwise: `data_dir()/chroma`."""
    return data_dir() / "chroma"


def open_client(path: str | Path | None = None, *, host: str | None = None, port: int | str | None = None):
    """A Chroma client: HttpClient when a server is named (arguments or CHROMA_HOST/CHROMA_PORT), else an
    embedded PersistentClient at `path` (default `data_dir()/chroma`). Telemetry is off either way.
    """
    import chromadb
    from chromadb.config import Settings

    server = server_address(host, port)
    if server:
        try:
            return chromadb.HttpClient(host=server[0], port=server[1], settings=Settings(anonymized_telemetry=False))
        except Exception as exc:  # noqa: BLE001 - any connection failure reads the same to a user
            raise UserError(f"Could not reach the Chroma server at {server[0]}:{server[1]} ({exc}). Start it with "
                            "`chroma run --host HOST --port PORT --path DIR`, or unset CHROMA_HOST/CHROMA_PORT "
                            "to use the embedded store.") from None
    folder = Path(path) if path else default_path()
    folder.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(folder),
                                     settings=Settings(anonymized_telemetry=False, allow_reset=False))


@dataclass(frozen=True)
class CollectionInfo:
    """What a collection holds, read from its metadata and count."""

    name: str
    count: int | None  # None when not asked for (a query does not need it)
    rows: int | None
    dimension: int | None
    metric: str
    model_id: str | None
    model_key: str | None
    dataset: str | None
    created_at: str | None
    state: str | None
    search_ef: int | None = None
    updated_at: str | None = None

    @property
    def complete(self) -> bool:
        """True once an ingest finished and nothing was added or lost since."""
        return self.state == COMPLETE and self.rows == self.count

    @property
    def status(self) -> str:
        if self.complete:
            return f"complete ({self.count:,} vectors)"
        if self.rows is None:
            return f"{self.count:,} vectors"
        return f"incomplete ({self.count:,} of {self.rows:,}): index again to finish"


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did."""

    name: str
    written: int
    skipped: int
    removed: int
    count: int


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

    # ------------------------------------------------------------------ reading

    def _collection(self, name: str):
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception:  # noqa: BLE001 - NotFoundError on embedded, ValueError/HTTP errors on a server
            return None

    def info(self, name: str) -> CollectionInfo | None:
        """The collection's metadata and count, or None when there is no such collection."""
        collection = self._collection(name)
        return None if collection is None else _info(collection)

    def require(self, name: str) -> CollectionInfo:
        info = self.info(name)
        if info is None:
            known = ", ".join(self.names()) or "none yet"
            raise UserError(f"No collection named '{name}' in the {self.location}. Known collections: {known}. "
                            "Index the data first (Search page, or `python -m core index`).")
        return info

    def names(self) -> list[str]:
        return sorted(c.name for c in self.client.list_collections())

    def collections(self) -> pd.DataFrame:
        """Every collection with its metadata, one row each."""
        rows = [_info(c) for c in self.client.list_collections()]
        columns = ["name", "dataset", "model_id", "dimension", "metric", "count", "rows", "status", "created_at",
                   "search_ef"]
        return pd.DataFrame([{c: (r.status if c == "status" else getattr(r, c)) for c in columns} for r in rows],
                            columns=columns).sort_values("name", ignore_index=True)

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
        """Make the collection hold exactly these rows: write what is missing, drop what is gone.

        Ids come from content, so running it again (after a crash too) resumes instead of duplicating.
        A mismatch with an existing collection (model, dimension, metric) is refused before any write.
        """
        # 1. validate everything before touching the store
        vectors = _check_vectors(vectors, len(texts), len(metadatas))
        _check_name_and_metric(name, metric)
        existing = self.info(name)
        if existing is not None:
            _check_compatible(existing, model_id=model_id, dimension=vectors.shape[1], metric=metric)
        ids = row_ids([str(t) for t in texts], metadatas)
        # 2. create the collection, or mark it as being (re)filled
        collection = self._prepare(name, existing, rows=len(ids), dimension=vectors.shape[1], metric=metric,
                                   model_id=model_id, model_key=model_key, dataset=dataset)
        # 3. write the rows it lacks, batch by batch
        written, fresh = 0, existing is None or not existing.count  # a new collection lacks every row
        for part in batches(len(ids), batch_size):
            written += _write_missing(collection, ids[part], vectors[part], texts[part], metadatas[part], fresh)
            if progress:
                progress(part.stop, len(ids))
        # 4. drop rows that are no longer in the data, then mark the collection complete
        removed = _remove_stale(collection, set(ids))
        _update_metadata(collection, state=COMPLETE, rows=len(ids))
        return IngestReport(name, written, len(ids) - written, removed, collection.count())

    def _prepare(self, name: str, existing: CollectionInfo | None, *, rows: int, dimension: int, metric: str,
                 model_id: str, model_key: str, dataset: str):
        if existing is not None:
            collection = self.client.get_collection(name, embedding_function=None)
            _update_metadata(collection, state=INGESTING, rows=rows)
            return collection
        now = _now()
        metadata = {"app": "embedding-explorer", "dataset": dataset, "model_id": model_id, "model_key": model_key,
                    "dimension": int(dimension), "metric": metric, "rows": int(rows), "created_at": now,
                    "updated_at": now, "state": INGESTING, "hnsw:space": metric, "hnsw:search_ef": SEARCH_EF,
                    "hnsw:M": HNSW_M, "hnsw:construction_ef": CONSTRUCTION_EF}
        return self.client.create_collection(name, metadata=metadata, embedding_function=None)

    # ------------------------------------------------------------------ querying

    def query(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
              where_document: dict | None = None, model_id: str | None = None) -> pd.DataFrame:
        """The k nearest rows per query vector, as a table (query, rank, id, distance, similarity, text, metadata).

        `similarity` is the cosine similarity of the query and the hit, whatever the metric.
        """
        collection = self._collection(name)
        if collection is None:
            self.require(name)
        queries = _check_query(_info(collection, count=False), vectors, model_id)
        if int(k) < 1:
            raise UserError("k must be at least 1.")
        try:
            raw = collection.query(query_embeddings=queries, n_results=int(k), where=where or None,
                                   where_document=where_document or None,
                                   include=["documents", "metadatas", "distances", "embeddings"])
        except Exception as exc:  # noqa: BLE001 - bad filters come back as several Chroma error types
            raise UserError(f"Chroma could not run this search: {exc}") from None
        return _frame_from_query(raw, queries)

    def vectors(self, name: str, *, where: dict | None = None,
                where_document: dict | None = None) -> tuple[list[str], np.ndarray, list[str], list[dict]]:
        """(ids, vectors, texts, metadata) of every stored row matching the filters, read in pages."""
        collection = self.client.get_collection(name, embedding_function=None)
        ids: list[str] = []
        chunks: list[np.ndarray] = []
        texts: list[str] = []
        metas: list[dict] = []
        offset = 0
        while True:
            page = _get_page(collection, where, where_document, offset)
            ids += page["ids"]
            texts += [d or "" for d in page["documents"]]
            metas += [m or {} for m in page["metadatas"]]
            if len(page["ids"]):
                chunks.append(np.asarray(page["embeddings"], dtype=np.float32))
            if len(page["ids"]) < PAGE_SIZE:
                break
            offset += PAGE_SIZE
        matrix = np.concatenate(chunks) if chunks else np.empty((0, 0), np.float32)
        return ids, matrix, texts, metas

    def matching_ids(self, name: str, *, where: dict | None = None, where_document: dict | None = None) -> list[str]:
        """Ids of the stored rows that pass the filters (no vectors read)."""
        collection = self.client.get_collection(name, embedding_function=None)
        try:
            return collection.get(where=where or None, where_document=where_document or None, include=[])["ids"]
        except Exception as exc:  # noqa: BLE001
            raise UserError(f"Chroma could not apply this filter: {exc}") from None

    def exact_query(self, name: str, vectors: np.ndarray, *, k: int = 10, where: dict | None = None,
                    where_document: dict | None = None, snapshot: Snapshot | None = None) -> pd.DataFrame:
        """The same search as `query`, answered by brute force over the stored vectors.

        Pass a `snapshot` (from `snapshot()`) to reuse vectors already read; filters are then
        applied by asking Chroma which ids match.
        """
        info = self.require(name)
        queries = _check_query(info, vectors, None)
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


@dataclass
class Snapshot:
    """A collection's rows read into memory, with an exact index over its vectors."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    index: ExactIndex | None

    def search(self, queries: np.ndarray, *, k: int, allowed: np.ndarray | None = None) -> pd.DataFrame:
        """Exact top-k (among the `allowed` rows, if given), as the same table `VectorStore.query` returns."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        if self.index is None or k <= 0 or (allowed is not None and not allowed.any()):
            return _result_frame([])
        dist = self.index.distances(queries)
        if allowed is not None:
            dist[:, ~allowed] = np.inf
        k = min(int(k), len(self.ids) if allowed is None else int(allowed.sum()))
        idx, top = _top_k(dist, k)
        records = []
        for qi, (rows, row_dist) in enumerate(zip(idx, top)):
            sims = cosine_similarity(np.repeat(queries[qi:qi + 1], len(rows), axis=0), self.index.matrix[rows])
            records += [_record(qi, rank, self.ids[r], float(d), float(s), self.texts[r], self.metadatas[r])
                        for rank, (r, d, s) in enumerate(zip(rows, row_dist, sims), start=1)]
        return _result_frame(records)


# ---------------------------------------------------------------------- helpers


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _info(collection: Any, *, count: bool = True) -> CollectionInfo:
    meta = dict(collection.metadata or {})
    config = getattr(collection, "configuration", None) or {}
    hnsw = (config.get("hnsw") if isinstance(config, dict) else None) or {}
    metric = meta.get("metric") or meta.get("hnsw:space") or hnsw.get("space") or "l2"
    return CollectionInfo(
        name=collection.name, count=int(collection.count()) if count else None, rows=_int(meta.get("rows")),
        dimension=_int(meta.get("dimension")), metric=str(metric), model_id=meta.get("model_id"),
        model_key=meta.get("model_key"), dataset=meta.get("dataset"), created_at=meta.get("created_at"),
        state=meta.get("state"), search_ef=_int(hnsw.get("ef_search") or meta.get("hnsw:search_ef")),
        updated_at=meta.get("updated_at"))


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _check_vectors(vectors: np.ndarray | None, n_texts: int, n_meta: int) -> np.ndarray:
    if vectors is None or n_texts == 0:
        raise UserError("Nothing to index: the data has no rows with vectors.")
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise UserError(f"Vectors must be a table of rows, got an array of shape {arr.shape}.")
    if not (len(arr) == n_texts == n_meta):
        raise UserError(f"{len(arr):,} vectors but {n_texts:,} texts and {n_meta:,} metadata rows; they must match.")
    if not np.isfinite(arr).all():
        raise UserError("Some vectors contain NaN or infinity; drop those rows before indexing.")
    return arr


def _check_name_and_metric(name: str, metric: str) -> None:
    if metric not in METRICS:
        raise UserError(f"Unknown metric '{metric}'. Available: {', '.join(METRICS)}.")
    if not is_valid_name(name):
        raise UserError(f"'{name}' is not a valid collection name: use 3-512 letters, digits, '.', '_' or '-', "
                        "starting and ending with a letter or digit, with no '..'.")


def _check_compatible(info: CollectionInfo, *, model_id: str, dimension: int, metric: str) -> None:
    """Refuse writing vectors that do not belong in this collection."""
    if info.model_id is None:
        raise UserError(f"Collection '{info.name}' was not made by Embedding Explorer; choose another name.")
    if info.dimension != dimension:
        raise UserError(f"Collection '{info.name}' holds {info.dimension}-dimensional vectors from "
                        f"{info.model_id}; these are {dimension}-dimensional. Nothing was written.")
    if info.model_id != model_id:
        raise UserError(f"Collection '{info.name}' holds vectors from {info.model_id}, not {model_id}; "
                        "mixing models makes distances meaningless. Nothing was written.")
    if info.metric != metric:
        raise UserError(f"Collection '{info.name}' uses the {info.metric} metric, not {metric}. Nothing was written.")


def _check_query(info: CollectionInfo, vectors: np.ndarray, model_id: str | None) -> np.ndarray:
    queries = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    if queries.ndim != 2 or queries.shape[1] == 0:
        raise UserError(f"A query must be one vector or a table of vectors, got shape {queries.shape}.")
    if info.dimension is not None and queries.shape[1] != info.dimension:
        raise UserError(f"The query has {queries.shape[1]} dimensions but collection '{info.name}' holds "
                        f"{info.dimension}-dimensional vectors from {info.model_id}.")
    if model_id is not None and info.model_id is not None and model_id != info.model_id:
        raise UserError(f"The query was embedded with {model_id}, but collection '{info.name}' holds vectors "
                        f"from {info.model_id}; embed it with the same model.")
    if not np.isfinite(queries).all():
        raise UserError("The query vector contains NaN or infinity.")
    return queries


def _write_missing(collection: Any, ids: list[str], vectors: np.ndarray, texts: Sequence[str],
                   metadatas: Sequence[Mapping[str, Any]], fresh: bool = False) -> int:
    """Upsert the rows of this batch that the collection lacks; returns how many were written."""
    present = set() if fresh else set(collection.get(ids=ids, include=[])["ids"])
    todo = [i for i, row_id in enumerate(ids) if row_id not in present]
    if todo:
        collection.upsert(ids=[ids[i] for i in todo], embeddings=vectors[todo],
                          documents=[str(texts[i]) for i in todo],
                          metadatas=[dict(metadatas[i]) or None for i in todo])
    return len(todo)


def _remove_stale(collection: Any, keep: set[str]) -> int:
    """Delete rows whose ids are not in `keep` (rows that left the data since the last ingest)."""
    if collection.count() == len(keep):  # every id in `keep` is present, so nothing else is
        return 0
    stored = collection.get(include=[])["ids"]
    stale = [i for i in stored if i not in keep]
    for part in batches(len(stale), BATCH_SIZE):
        collection.delete(ids=stale[part])
    return len(stale)


def _update_metadata(collection: Any, **changes: Any) -> None:
    """Change our keys; Chroma refuses `hnsw:` keys after creation, and keeps them in the configuration."""
    meta = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith("hnsw:")}
    collection.modify(metadata={**meta, **changes, "updated_at": _now()})


def _get_page(collection: Any, where: dict | None, where_document: dict | None, offset: int) -> dict:
    try:
        return collection.get(where=where or None, where_document=where_document or None, limit=PAGE_SIZE,
                              offset=offset, include=["embeddings", "documents", "metadatas"])
    except Exception as exc:  # noqa: BLE001
        raise UserError(f"Chroma could not apply this filter: {exc}") from None


def _record(query: int, rank: int, row_id: str, distance: float, similarity: float, text: str,
            metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    row = {"query": query, "rank": rank, "id": row_id, "distance": distance, "similarity": similarity, "text": text}
    for key, value in sorted((metadata or {}).items()):
        row[f"meta.{key}" if key in RESULT_COLUMNS else key] = value
    return row


def _result_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=None if records else list(RESULT_COLUMNS))


def _frame_from_query(raw: Mapping[str, Any], queries: np.ndarray) -> pd.DataFrame:
    records = []
    for qi in range(len(queries)):
        if not raw["ids"][qi]:
            continue
        hits = np.asarray(raw["embeddings"][qi], dtype=np.float32)
        sims = cosine_similarity(np.repeat(queries[qi:qi + 1], len(hits), axis=0), hits)
        records += [_record(qi, rank, row_id, float(d), float(s), doc or "", meta)
                    for rank, (row_id, d, s, doc, meta) in enumerate(
                        zip(raw["ids"][qi], raw["distances"][qi], sims, raw["documents"][qi], raw["metadatas"][qi]),
                        start=1)]
    return _result_frame(records)
