"""Pictures of rows in the app: an image column for tables, a picture beside the hovered point, a clicked point's preview.

Streamlit's Plotly chart reports selections but not hover, and Plotly's hover labels take text only (no <img>),
so the hover picture is a small script (core.maps.thumbnails.hover_script) that listens to the chart's own
`plotly_hover` events and shows the row's thumbnail, sent once per view as data URIs within a byte budget.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.memo import server_memos
from components.progress import progress
from components.seam import Embedded
from core.maps.thumbnails import (
    HOVER_BUDGET_BYTES,
    PREVIEW_PX,
    THUMB_PX,
    has_pictures,
    hover_script,
    picture_bytes,
    thumbnail_uri,
)

IMAGE = "image"
MAX_HOVER_PICTURES = 2_000  # thumbnails shown on hover at most (about 10 ms each to make for photos, once)
HOVER_MAKE_S = 8.0  # one rerun makes hover thumbnails for at most this long; the next one goes on
PROGRESS_FROM = 50  # making more thumbnails than this shows a progress bar with the time left


def _cache(emb: Embedded) -> dict[int, str]:
    """This dataset's thumbnails made so far, by row (shared by every session)."""
    return server_memos()["derived"].get_or_make(("thumbnails", emb.vectors_hash, emb.dataset.name, THUMB_PX), dict)


def picture_uris(emb: Embedded, rows: Sequence[int]) -> list[str]:
    """Thumbnails of `rows` as data URIs, each made once per server."""
    cache = _cache(emb)
    for row in rows:
        if int(row) not in cache:
            cache[int(row)] = thumbnail_uri(emb.dataset, int(row))
    return [cache[int(row)] for row in rows]


def with_pictures(emb: Embedded, table: pd.DataFrame, rows: Sequence[int],
                  config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """`table` (one line per row of `rows`) with an image column first when the data has pictures, and the
    column config that shows it."""
    config = {**(config or {}), **picture_config(emb)}
    if not has_pictures(emb.dataset):
        return table, config
    table = table.copy()
    table.insert(0, IMAGE, picture_uris(emb, rows))
    return table, config


def picture_config(emb: Embedded) -> dict:
    """The column config that shows a table's image column (empty when the data has no pictures)."""
    return {IMAGE: st.column_config.ImageColumn(IMAGE, width="small")} if has_pictures(emb.dataset) else {}


def without_pictures(table: pd.DataFrame) -> pd.DataFrame:
    """The table as downloaded: no image column."""
    return table.drop(columns=[IMAGE], errors="ignore")


def hover_pictures(emb: Embedded, rows: Sequence[int], *, chart_key: str) -> int:
    """Show each drawn row's thumbnail beside the mouse on chart `chart_key`, within HOVER_BUDGET_BYTES; returns
    how many rows have one (0 when the data has no pictures)."""
    if not has_pictures(emb.dataset):
        return 0
    rows = [int(r) for r in rows[:MAX_HOVER_PICTURES]]
    cache = _cache(emb)
    missing = [r for r in rows if r not in cache]
    if len(missing) > PROGRESS_FROM:  # a few are made as they are read; many, for a while, with a progress bar
        _make_for_a_while(emb, missing)
        rows = [r for r in rows if r in cache]
    uris = _within_budget(emb, rows)
    st.html(hover_script(uris, f".st-key-{chart_key} .js-plotly-plot", f"pictures of {chart_key}"),
            unsafe_allow_javascript=True, width="content")
    return len(uris)


def _make_for_a_while(emb: Embedded, rows: list[int]) -> None:
    """Make the thumbnails of `rows` for at most HOVER_MAKE_S seconds, with a progress bar; later reruns make
    the rest (the thumbnails made are kept)."""
    start = time.perf_counter()
    with progress("Making thumbnails for the map's hover", unit=" pictures") as tick:
        for done, row in enumerate(rows, 1):
            picture_uris(emb, [row])
            tick(done, len(rows))
            if time.perf_counter() - start > HOVER_MAKE_S:
                break


def _within_budget(emb: Embedded, rows: Sequence[int]) -> dict[int, str]:
    """Thumbnails of the first of `rows` that fit HOVER_BUDGET_BYTES together."""
    uris: dict[int, str] = {}
    spent = 0
    for row, uri in zip(rows, picture_uris(emb, rows)):
        if spent + len(uri) > HOVER_BUDGET_BYTES:
            break
        uris[row] = uri
        spent += len(uri)
    return uris


def hover_caption(n_with: int, n_drawn: int) -> str:
    """What the hover pictures cover, when they cannot cover every drawn point."""
    if n_with >= n_drawn:
        return ""
    return (f" Hover shows a picture for {n_with:,} of the {n_drawn:,} points drawn (at most {MAX_HOVER_PICTURES:,} "
            f"pictures, {HOVER_BUDGET_BYTES / 1e6:.0f} MB; more as they are made); click any point for its picture.")


def preview(emb: Embedded, row: int, *, px: int = PREVIEW_PX) -> None:
    """A clicked point's picture, larger (its longest side at most `px`)."""
    if has_pictures(emb.dataset):
        data, _ = picture_bytes(emb.dataset, row, px)
        st.image(data, caption=str(emb.dataset.texts[row])[:120])
