"""`python -m core index` and `python -m core search`: a collection from a file, top-k from a query."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from core.cli.args import add_long_text_arguments, long_texts
from core.cli.inputs import load_input, report_exclusions
from core.cli.outputs import note_first_load
from core.data.table import Dataset
from core.embedding.windows import LongTexts
from core.errors import UserError
from core.indexlab.settings import METRIC
from core.search.engine import EXACT
from core.search.exact import METRICS
from core.search.queries import (
    PRECOMPUTED,
    contains,
    embed_query,
    parse_where,
    read_vector,
)
from core.search.records import collection_name, frame_metadata
from core.search.results import named_scores
from core.search.store import VectorStore

TABLE_TEXT_CHARS = 90
# One query per process: reading every stored vector for exact search (0.6 s at 5,000 vectors, 2.2 s at 20,000 here)
# costs more than Chroma's first answer, its index read included (0.05 s, 0.17 s), so the command line asks Chroma.
ONE_QUERY_EXACT_BELOW = 0


def _store(args: argparse.Namespace) -> VectorStore:
    return VectorStore.open(args.path, host=args.host, port=args.port, exact_below=ONE_QUERY_EXACT_BELOW)


def _progress(label: str):
    def tick(done: int, total: int) -> None:
        print(f"\r{label} {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    return tick


def _vectors_for(dataset: Dataset, model: str | None, long: LongTexts) -> tuple[Dataset, str, str, str]:
    """(dataset with vectors, model id, model key, collection suffix): the data's own vectors, or embedded
    with `model` (chunked vectors get a collection of their own)."""
    from core.embedding.encode import attach_precomputed, embed_dataset
    from core.embedding.models import DEFAULT_MODEL

    model = model or (PRECOMPUTED if dataset.vectors is not None else DEFAULT_MODEL)
    if model == PRECOMPUTED:
        return attach_precomputed(dataset), f"{PRECOMPUTED}:{dataset.name}", PRECOMPUTED, ""
    note_first_load(model)
    embedded, result = embed_dataset(dataset, model, progress=_progress("encoding"), long_texts=long)
    if result.report is not None and result.report.sentence():
        print(result.report.sentence(), file=sys.stderr)
    return embedded, result.model_id, model, long.suffix if result.windows is not None else ""


def cmd_index(args: argparse.Namespace) -> int:
    """A file or built-in dataset in, a Chroma collection out (idempotent: run it again to resume)."""

    dataset = load_input(args)
    store = _store(args)  # before embedding: a store in use fails at once
    dataset, model_id, model_key, suffix = _vectors_for(dataset, args.model, long_texts(args))
    name = args.collection or collection_name(dataset.name, model_id + suffix, args.metric)
    report = store.ingest(name, texts=dataset.texts, vectors=dataset.require_vectors(),
                          metadatas=frame_metadata(dataset.frame, dataset.text_column), model_id=model_id,
                          model_key=model_key, dataset=dataset.name, metric=args.metric,
                          batch_size=args.batch_size, progress=_progress("indexing"))
    report_exclusions(dataset)
    print(f"collection {name}: {report.count:,} vectors ({report.written:,} written, {report.skipped:,} already "
          f"there, {report.removed:,} removed) in the {store.location}")
    return 0


def _resolve_collection(store: VectorStore, name: str | None) -> str:
    if name:
        return name
    names = store.names()
    if len(names) == 1:
        return names[0]
    raise UserError(f"Name the collection with --collection. Available: {', '.join(names) or 'none yet'}.")


def _query_vector(args: argparse.Namespace, store: VectorStore, name: str) -> tuple[np.ndarray, str | None]:
    if args.vector:
        path = Path(args.vector)
        if not path.is_file():
            raise UserError(f"No such file: {path}")
        return read_vector(path.read_bytes(), path.name), None
    if not args.query:
        raise UserError("Give a query text, or a vector file with --vector.")
    info = store.require(name)
    return embed_query(args.query, info.model_key or "")


def cmd_search(args: argparse.Namespace) -> int:
    """Query text (or a vector file) in, the top-k rows out as a table or JSON."""
    store = _store(args)
    name = _resolve_collection(store, args.collection)
    vector, model_id = _query_vector(args, store, name)
    where, where_document = parse_where(args.where), contains(args.contains)
    start = time.perf_counter()
    found = store.search(name, vector, k=args.k, where=where, where_document=where_document, model_id=model_id,
                         metric=args.metric)
    print(f"answered by {found.answered_by} in {(time.perf_counter() - start) * 1000:.1f} ms", file=sys.stderr)
    hits = found.hits.drop(columns=["query"])
    if args.metric and found.engine == EXACT:
        hits = named_scores(hits, args.metric)
    if args.format == "json":
        print(json.dumps(json.loads(hits.to_json(orient="records")), ensure_ascii=False))
        return 0
    if hits.empty:
        print("no results (check the filters)")
        return 0
    print(_table(hits))
    return 0


def _table(hits: pd.DataFrame) -> str:
    shown = hits.drop(columns=["id"]).copy()
    shown["text"] = [t if len(t) <= TABLE_TEXT_CHARS else t[: TABLE_TEXT_CHARS - 1] + "…" for t in shown["text"]]
    return shown.to_string(index=False, float_format=lambda v: f"{v:.4f}")


def _add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--path", help="embedded store folder (default: EE_DATA_DIR/chroma, i.e. .ee-data/chroma)")
    parser.add_argument("--host", help="Chroma server host (default: $CHROMA_HOST; unset = embedded store)")
    parser.add_argument("--port", type=int, help="Chroma server port (default: $CHROMA_PORT, else 8000)")


def add_store_commands(sub: argparse._SubParsersAction) -> None:
    """Register `index` and `search` on the CLI's sub-command parser."""
    index = sub.add_parser("index", help="put a dataset's vectors into a Chroma collection")
    index.add_argument("input", help="a table/text/vector file, or builtin:NAME")
    index.add_argument("--column", help="the text column of a table")
    index.add_argument("--metadata", help="metadata table for a .npy or vectors.tsv")
    index.add_argument("--vector-column", help="column holding a vector per row (for tables)")
    index.add_argument("--model", help="model key or st:NAME|PATH, or 'precomputed' for the file's own vectors "
                                       "(default: precomputed for vector files, else minilm)")
    index.add_argument("--metric", choices=METRICS, default="cosine")
    add_long_text_arguments(index)
    index.add_argument("--collection", help="collection name (default: from dataset, model and metric)")
    index.add_argument("--batch-size", type=int, default=1000, help=argparse.SUPPRESS)
    _add_store_options(index)
    index.set_defaults(func=cmd_index)

    search = sub.add_parser("search", help="nearest neighbours of a query text in a collection")
    search.add_argument("query", nargs="?", help="the text to search for (embedded with the collection's model)")
    search.add_argument("--vector", help="search with a vector instead: a .npy file or a JSON array")
    search.add_argument("--collection", help="collection name (default: the only one there is)")
    search.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--where", help='metadata filter as JSON, e.g. \'{"source": "test"}\'')
    search.add_argument("--contains", help="keep only rows whose text contains this (case-sensitive)")
    search.add_argument(METRIC.flag, dest=METRIC.key, choices=METRIC.choices, default=None,
                        help="rank by this metric with exact search, the column named for it (default: the "
                             "collection's own distance, through whichever engine is faster)")
    search.add_argument("--format", choices=("table", "json"), default="table")
    _add_store_options(search)
    search.set_defaults(func=cmd_search)
