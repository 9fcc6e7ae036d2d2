"""The Search page's panels: index the data, ask a question (in a fragment), manage the store."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.access.policy import can_write, heavy_slot, require_write
from components.data.image_models import is_image_data
from components.downloads import csv_download
from components.filters import FilterWidget, row_filter
from components.maps.images import hover_pictures, preview, with_pictures, without_pictures
from components.maps.plots import selected_rows, show_scatter
from components.progress import bar_ticker
from components.search import seam as store_seam
from components.search.exact_metric import exact_metric_picker, scored_table
from components.search.image_query import QUERY_PREVIEW_PX, picture_query, search_modes, typed_picture_query
from components.search.ownership import visible
from components.search.passages import PASSAGE_HELP, passage_table, top_passage
from components.search.plots import build_search_map
from components.search.seam import IndexTarget
from components.state import PRECOMPUTED, DataChoice, persist, remember
from core.errors import UserError
from core.maps.projection import ProjectionParams
from core.search.collection_info import CollectionInfo
from core.search.engine import ENGINE_LABELS, EXACT
from core.search.exact import recall_at_k
from core.search.queries import (
    contains,
    embed_query,
    range_filter,
    read_vector,
    values_filter,
)
from core.search.store import VectorStore

METRIC_LABELS = {"cosine": "Cosine", "l2": "Euclidean (squared L2)", "ip": "Inner product"}
MAX_ROW_OPTIONS = 5000
MAP_KEY = "ee_search_map"
LAST_PICK = "ee_search_last_pick"
FLASH = "ee_store_flash"
INDEX_FLASH = "ee_search_index_flash"
SEARCH_FILTER = FilterWidget("ee_w_search_filter_col", "ee_w_search", "Only rows where", "{column} is one of")


@dataclass
class Query:
    """A query vector and what it came from."""

    vector: np.ndarray
    label: str
    model_id: str | None = None
    row: int | None = None


# ---------------------------------------------------------------------- index


def metric_picker() -> str:
    """The metric select; each metric has its own collection (Chroma fixes `hnsw:space` at creation)."""
    options = list(METRIC_LABELS)
    metric = st.segmented_control("Metric (hnsw:space)", options, format_func=METRIC_LABELS.get,
                                  **persist("ee_w_search_metric", "cosine"))
    return metric or "cosine"


def index_panel(store: VectorStore, target: IndexTarget, emb: seam.Embedded) -> CollectionInfo | None:
    """The collection's state and a button that creates, finishes or refreshes it."""
    if INDEX_FLASH in st.session_state:
        st.success(st.session_state.pop(INDEX_FLASH))
    info = store.info(target.name)
    if not can_write():
        return _read_only_index(target, info)
    n = len(emb.dataset)
    if info is None:
        st.info(f"This data is not in the store yet. Index its {n:,} vectors to search them.")
        label, kind = f"Index {n:,} vectors", "primary"
    elif info.complete and info.count == n:
        st.caption(f"Collection `{target.name}`: {info.status}, {METRIC_LABELS.get(info.metric, info.metric)} "
                   f"distance, created {(info.created_at or '?')[:19].replace('T', ' ')} UTC.")
        label, kind = "Index again (writes only what changed)", "secondary"
    else:
        st.warning(f"Collection `{target.name}` is {info.status}. Index to finish it: rows already stored are "
                   "kept, none is written twice.")
        label, kind = "Finish indexing", "primary"
    if st.button(label, type=kind, key="ee_search_index") and _ingest(store, target, emb):
        st.rerun()
    return info


def _read_only_index(target: IndexTarget, info: CollectionInfo | None) -> CollectionInfo | None:
    """On a read-only server: the collection as the operator left it, or why this data cannot be searched."""
    if info is None:
        st.info("This data was not indexed on this read-only server, so it cannot be searched here. Choose data "
                "whose collection is listed under “Store” below.")
    else:
        st.caption(f"Collection `{target.name}`: {info.status}, {METRIC_LABELS.get(info.metric, info.metric)} "
                   "distance.")
    return info


def _ingest(store: VectorStore, target: IndexTarget, emb: seam.Embedded) -> bool:
    """Write the dataset into its collection with a progress bar; True when it worked."""
    bar = st.progress(0.0, text="Indexing…")
    tick = bar_ticker(bar, "Indexing", unit="rows checked")

    dataset = emb.dataset
    try:
        require_write("index data into the search store")
        with heavy_slot("Indexing"):
            report = store.ingest(target.name, texts=dataset.texts, vectors=dataset.vectors,
                                  metadatas=store_seam.metadata_rows(emb), model_id=target.model_id,
                                  model_key=target.model_key, dataset=target.dataset, metric=target.metric,
                                  progress=tick)
    except UserError as err:
        st.error(str(err))
        return False
    finally:
        bar.empty()
    st.session_state[INDEX_FLASH] = (f"Indexed: {report.count:,} vectors in `{report.name}` ({report.written:,} "
                                     f"written, {report.skipped:,} already there, {report.removed:,} removed).")
    return True


# ---------------------------------------------------------------------- query inputs


def _take_map_pick() -> None:
    """A new point picked on the search map becomes the query (mode 'A point')."""
    event = st.session_state.get(MAP_KEY) or {}
    rows = selected_rows(event.get("selection") if hasattr(event, "get") else None)
    if rows and rows != st.session_state.get(LAST_PICK):
        st.session_state["ee_w_search_mode"] = "point"
        st.session_state["ee_w_search_row"] = rows[0]
        remember("ee_w_search_mode")
        remember("ee_w_search_row")
    st.session_state[LAST_PICK] = rows


def _picture_query(choice: DataChoice, *, typed: bool) -> Query | None:
    """An uploaded picture, or typed words for CLIP, as a query on a map of images."""
    asked = typed_picture_query(choice) if typed else picture_query(choice)
    return None if asked is None else Query(*asked)


def _text_query(choice: DataChoice, emb: seam.Embedded) -> Query | None:
    if is_image_data(emb.dataset) and choice.model != PRECOMPUTED:
        return _picture_query(choice, typed=True)
    if choice.model == PRECOMPUTED:
        st.info("These vectors came with the data, not from a model, so a text cannot be embedded like them. "
                "Ask with a point or a vector file.")
        return None
    box, button = st.columns([6, 1], vertical_alignment="bottom")
    text = box.text_input("Search for", placeholder="e.g. bushfires near Sydney",
                          **persist("ee_w_search_text", "", live=True))
    # a click reruns this fragment, which asks with the text in the box, as Enter does
    button.button("Search", key="ee_search_go", type="primary", width="stretch")
    if not text.strip():
        return None
    vector, model_id = embed_query(text, choice.model, get_embedder=lambda: seam.text_embedder(choice, emb))
    return Query(vector, text, model_id)


def _point_query(emb: seam.Embedded) -> Query:
    dataset = emb.dataset
    n, texts = len(dataset), dataset.texts
    row_widget = persist("ee_w_search_row", 0, options=range(n), live=True)
    if n <= MAX_ROW_OPTIONS:
        row = st.selectbox("Row (or click a point on the map)", range(n), format_func=lambda i: f"{i}: {texts[i][:90]}",
                           **row_widget)
    else:
        row = st.number_input("Row number (or click a point on the map)", 0, n - 1, **row_widget)
        st.caption(texts[int(row)][:200])
    preview(emb, int(row), px=QUERY_PREVIEW_PX)
    return Query(dataset.vectors[int(row)], f"row {int(row)}: {texts[int(row)]}", row=int(row))


def _vector_query() -> Query | None:
    file = st.file_uploader("One vector: .npy (one row) or a JSON array", type=["npy", "json"],
                            key="ee_search_vector_file")
    if file is None:
        return None
    return Query(read_vector(file.getvalue(), file.name), file.name)


def query_input(choice: DataChoice, emb: seam.Embedded) -> Query | None:
    """The user's question as a vector, from the chosen way of asking (None until there is one)."""
    _take_map_pick()
    modes = search_modes(emb.dataset)
    options = list(modes)
    mode = st.segmented_control("Ask with", options, format_func=modes.get,
                                **persist("ee_w_search_mode", options[0], options=options, live=True)) or options[0]
    if mode == "image":
        return _picture_query(choice, typed=False)
    if mode == "point":
        return _point_query(emb)
    if mode == "vector":
        return _vector_query()
    return _text_query(choice, emb)


# ---------------------------------------------------------------------- filters


def _metadata_filter(frame: pd.DataFrame, text_column: str) -> dict | None:
    """The user's filter as a Chroma `where` (None when none is set)."""
    chosen = row_filter(frame, text_column, SEARCH_FILTER)
    if chosen is None:
        return None
    column = str(chosen.column)
    return range_filter(column, *chosen.span) if chosen.span else values_filter(column, chosen.values)


def search_options(emb: seam.Embedded) -> tuple[int, dict | None, dict | None]:
    """(k, where, where_document) from the widgets."""
    c1, c2, c3 = st.columns([1, 2, 2])
    k = c1.number_input("Top k", 1, 200, **persist("ee_w_search_k", 10, live=True))
    with c2:
        where = _metadata_filter(emb.dataset.frame, emb.dataset.text_column)
    with c3:
        text = st.text_input("Text contains (case-sensitive)", **persist("ee_w_search_contains", "", live=True))
    return int(k), where, contains(text)


# ---------------------------------------------------------------------- results


@dataclass
class Answer:
    """Chroma's hits and the exact hits with the timings of both, the engine whose hits answer, and the exact hits
    under the picked metric (`metric`; None: the collection's own, and `ranked` is `exact`)."""

    chroma: pd.DataFrame
    exact: pd.DataFrame
    chroma_ms: float
    exact_ms: float
    engine: str
    ranked: pd.DataFrame
    metric: str | None = None

    @property
    def hits(self) -> pd.DataFrame:
        """The hits of the engine that answers."""
        return self.ranked if self.engine == EXACT else self.chroma

    @property
    def recall(self) -> float:
        """Recall@k of Chroma's hits against the exact ones."""
        return recall_at_k(self.chroma["id"].tolist(), self.exact["id"].tolist(),
                           found_distances=self.chroma["distance"].tolist(),
                           exact_distances=self.exact["distance"].tolist())


def answer(store: VectorStore, info: CollectionInfo, query: Query, k: int, where: dict | None,
           where_document: dict | None, metric: str | None = None) -> Answer:
    """Ask Chroma and exact search the same question; the store's rule for the collection's size says which
    answers, unless exact search is also asked under another `metric`: then it answers."""
    with st.spinner("Reading the stored vectors for exact search…"):
        store.snapshot(info.name)  # held by the store, read again only after the collection changes
    start = time.perf_counter()
    chroma = store.query(info.name, query.vector, k=k, where=where, where_document=where_document,
                         model_id=query.model_id)
    middle = time.perf_counter()
    exact = store.exact_query(info.name, query.vector, k=k, where=where, where_document=where_document)
    end = time.perf_counter()
    if metric is None:
        return Answer(chroma, exact, (middle - start) * 1000, (end - middle) * 1000, store.engine_for(info.count or 0),
                      exact)
    ranked = store.exact_query(info.name, query.vector, k=k, where=where, where_document=where_document, metric=metric)
    return Answer(chroma, exact, (middle - start) * 1000, (end - middle) * 1000, EXACT, ranked, metric)


def results_table(ans: Answer, emb: seam.Embedded, query: Query, rows: list[int | None], space: str) -> None:
    """Rank, the score (the picked metric's, or the store's distance), cosine similarity, text (or, for chunked
    texts, the matching passage) and the metadata columns."""
    hits, score, score_config = scored_table(ans.hits, ans.metric, space)
    meta = [c for c in emb.dataset.frame.columns if c in hits.columns and c not in ("rank", "text")]
    shown = ["rank", score, *(["similarity"] if "similarity" in hits.columns else []), "text", *meta]
    table = hits[shown].reset_index(drop=True)
    if emb.windows is not None:
        table = passage_table(table, emb, query.vector, rows)
    config = {"text": st.column_config.TextColumn(width="large"),
              "passage": st.column_config.TextColumn(width="large", help=PASSAGE_HELP),
              "window similarity": st.column_config.NumberColumn(format="%.3f"),
              "similarity": st.column_config.NumberColumn("cosine similarity", format="%.3f")} | score_config
    if None not in rows:
        table, config = with_pictures(emb, table, [int(r) for r in rows if r is not None], config)
    st.dataframe(table, hide_index=True, width="stretch", key="ee_search_results", column_config=config)
    csv_download(without_pictures(table), "search-results.csv", key="ee_search_csv")
    top_passage(emb, query.vector, rows[0] if rows else None)


def exactness(ans: Answer, info: CollectionInfo, k: int, exact_below: int) -> None:
    """Which engine answered and why, and recall@k of Chroma's answer against brute force, for this query."""
    why = (f"below {exact_below:,} vectors it is faster than Chroma's index here" if ans.engine == EXACT
           else f"from {exact_below:,} vectors on it is faster than exact search here")
    if ans.metric is not None:
        why = (f"it can rank by the metric picked, Chroma's index only by {info.metric}; the recall below compares "
               f"the two by {info.metric}")
    st.caption(f"**Answered by {ENGINE_LABELS[ans.engine]}**: {why}. Both are asked, to compare them.")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"Recall@{k} vs exact", f"{ans.recall:.2f}")
    c2.metric("Chroma (HNSW)", f"{ans.chroma_ms:.1f} ms")
    c3.metric("Exact (numpy)", f"{ans.exact_ms:.1f} ms")
    missed = ans.exact[~ans.exact["id"].isin(ans.chroma["id"])]
    st.caption(f"Exact search compares the query with every stored vector that passes the filters; Chroma walks "
               f"its HNSW graph (search_ef {info.search_ef}). {len(ans.chroma) - len(missed):,} of the exact "
               f"top {len(ans.exact):,} were found.")
    if len(missed):
        with st.expander(f"{len(missed)} exact neighbour(s) Chroma missed"):
            st.dataframe(missed[["rank", "distance", "text"]], hide_index=True, key="ee_search_missed")


def results_map(emb: seam.Embedded, coords: np.ndarray, params: ProjectionParams, query: Query | None,
                hit_rows: list[int], title: str) -> None:
    """The map with the hits and the query on it (`params` is a method that places new points)."""
    query_xy = None
    if query is not None and query.row is not None:
        query_xy = coords[query.row]
    elif query is not None:
        placed = seam.place_on_map(emb, params, query.vector[None, :])
        query_xy = None if placed is None else placed[0]
    fig = build_search_map(coords, emb.dataset.frame, text_column=emb.dataset.text_column, hit_rows=hit_rows,
                           query_xy=query_xy, query_label=query.label if query else "", title=title)
    show_scatter(fig, key=MAP_KEY)
    hover_pictures(emb, range(len(coords)), chart_key=MAP_KEY)
    st.caption("Click a point (or a hit) to search from it.")


@st.fragment
def query_panel(store: VectorStore, info: CollectionInfo, choice: DataChoice, emb: seam.Embedded,
                coords: np.ndarray, params: ProjectionParams, title: str) -> None:
    """Ask, see the hits as a table and on the map, and how exact they are; reruns alone."""
    try:
        query = query_input(choice, emb)
        k, where, where_document = search_options(emb)
        metric = exact_metric_picker(info.metric)
        ans = answer(store, info, query, k, where, where_document, metric) if query is not None else None
    except UserError as err:
        st.error(str(err))
        query, ans = None, None
    hit_rows: list[int] = []
    if ans is not None:
        lookup = store_seam.row_lookup(choice, emb)
        hit_rows = [lookup[i] for i in ans.hits["id"] if i in lookup]
        if ans.hits.empty:
            st.warning("No stored row passes these filters.")
        else:
            exactness(ans, info, k, store.exact_below)
            results_table(ans, emb, query, [lookup.get(i) for i in ans.hits["id"]], info.metric)
    results_map(emb, coords, params, query if ans is not None else None, hit_rows, title)


# ---------------------------------------------------------------------- store management


def store_manager(store: VectorStore) -> None:
    """The collections this session may see, with their metadata, the store's size, and deletion with a
    confirmation that names what goes (none on a read-only server)."""
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    table = visible(store.collections())
    size = store.size_on_disk()
    where = store.location + (f", {size / 1e6:,.1f} MB on disk" if size is not None else "")
    note = store_seam.store_env_note()
    st.caption(f"{len(table):,} collection(s) in the {where}. {note[0].upper()}{note[1:]}.")
    if table.empty:
        return
    st.dataframe(table, hide_index=True, width="stretch", key="ee_store_table")
    if can_write():
        _delete_form(store, table)


def _delete_form(store: VectorStore, table: pd.DataFrame) -> None:
    """Pick a collection, confirm with a box that says what will be lost, delete."""
    name = st.selectbox("Collection to delete", table["name"].tolist(), key="ee_store_delete_name")
    row = table.set_index("name").loc[name]
    sure = st.checkbox(f"Yes, delete `{name}`: its {int(row['count']):,} vectors of {row['dataset']} made with "
                       f"{row['model_id']} go for good, for every visitor of this server",
                       key="ee_store_delete_confirm")
    if st.button("Delete collection", disabled=not sure, key="ee_store_delete"):
        try:
            require_write("delete collections")
            if name not in visible(store.collections())["name"].tolist():
                raise UserError("That collection is not one this session may delete.")
            store.delete(name)
        except UserError as err:
            st.error(str(err))
            return
        st.session_state[FLASH] = f"Deleted `{name}`."
        del st.session_state["ee_store_delete_confirm"]
        st.rerun()
