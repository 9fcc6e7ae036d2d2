"""The progressive map: a quick PCA at once, the chosen projection computed in the background and swapped in.

Background projections run on one bounded worker pool per server; sessions asking for the same
projection share one job. A cancelled job stops at its next step and writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from components.memo import server_memos
from components.seam import Embedded, _graph_key, projection
from core.jobs import Job, JobPool
from core.maps.projection import ProjectionParams, is_cached, neighbour_graph, project_map
from core.maps.settings import METHOD_LABELS

PREVIEW_METHOD = "pca"  # the map drawn at once while the chosen projection computes
CANCELLED = "ee_map_cancelled"  # projections this session stopped: (vectors hash, params)


@st.cache_resource(show_spinner=False)
def job_pool() -> JobPool:
    """One bounded worker pool per server: background projections queue here, one at a time."""
    return JobPool(workers=1)


@dataclass
class MapState:
    """The coordinates to draw now: the chosen projection, or a quick preview while `job` computes it."""

    coords: np.ndarray
    params: ProjectionParams
    job: Job | None = None
    cancelled: bool = False

    @property
    def preview(self) -> bool:
        return self.job is not None or self.cancelled


def _fit_in_background(emb: Embedded, params: ProjectionParams, memos: dict, cancel) -> np.ndarray:
    """The projection's work in a worker thread: the shared graph, the fit (kept on disk), then memory."""
    def graph():
        return memos["graph"].get_or_make(
            _graph_key(emb, params),
            lambda: neighbour_graph(emb.dataset.vectors, params, vectors_hash=emb.vectors_hash))

    fitted = project_map(emb.dataset.vectors, params, graph=graph, vectors_hash=emb.vectors_hash, cancel=cancel)
    if fitted.projector is not None:
        memos["fitted"].put(("fitted", emb.vectors_hash, params), fitted.projector)
    memos["projection"].put((emb.vectors_hash, params), fitted.coords)
    return fitted.coords


def _ready_now(emb: Embedded, params: ProjectionParams) -> bool:
    """Whether the chosen projection costs about a second: in memory, on disk, or PCA."""
    return params.method == PREVIEW_METHOD or (emb.vectors_hash, params) in server_memos()["projection"] \
        or is_cached(emb.dataset.vectors, params, vectors_hash=emb.vectors_hash)


def map_state(emb: Embedded, params: ProjectionParams) -> MapState:
    """The chosen projection when it is ready, else a PCA preview and the background job computing it."""
    key = (emb.vectors_hash, params)
    if _ready_now(emb, params):
        return MapState(projection(emb, params), params)
    quick = replace(params, method=PREVIEW_METHOD)
    if key in st.session_state.get(CANCELLED, set()):
        return MapState(projection(emb, quick), quick, cancelled=True)
    memos, pool = server_memos(), job_pool()
    job = pool.submit(("projection", *key), f"{METHOD_LABELS[params.method]} of {len(emb.dataset):,} points",
                      lambda cancel: _fit_in_background(emb, params, memos, cancel))
    if job.done():
        pool.forget(job.key)
        return MapState(job.result(), params)  # raises the job's error, if it failed
    return MapState(projection(emb, quick), quick, job)


def cancel_projection(emb: Embedded, params: ProjectionParams) -> None:
    """Stop this session's wait for a projection (the job stops at its next step; nothing is written)."""
    key = (emb.vectors_hash, params)
    st.session_state.setdefault(CANCELLED, set()).add(key)
    job_pool().cancel(("projection", *key))


def resume_projection(emb: Embedded, params: ProjectionParams) -> None:
    """Compute a projection this session had cancelled."""
    st.session_state.get(CANCELLED, set()).discard((emb.vectors_hash, params))


def _elapsed(job: Job) -> str:
    if job.started_at is None:
        return "waiting for another map to finish first"
    return f"{job.running_s():.0f} s so far"


def pending_panel(emb: Embedded, params: ProjectionParams, state: MapState) -> None:
    """Say what the map shows, and swap the chosen projection in when it is ready (polled each second)."""
    method = METHOD_LABELS[params.method]
    if state.cancelled:
        st.info(f"{method} was cancelled; this is a PCA map of the same points.")
        st.button(f"Compute {method}", key="ee_map_resume", on_click=resume_projection, args=(emb, params))
        return

    @st.fragment(run_every=1.0)
    def poll() -> None:
        if state.job.done():
            st.rerun()
        st.info(f"{method} computing… ({_elapsed(state.job)}). Meanwhile this is a quick PCA map of the same "
                "points; it is replaced as soon as the projection is ready.")
        st.button(f"Cancel {method}", key="ee_map_cancel", on_click=cancel_projection, args=(emb, params))

    poll()
