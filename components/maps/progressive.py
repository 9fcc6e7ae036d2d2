"""The progressive map's Streamlit side: what this session cancelled, and the panel polling the background job.

The map service (core.maps.service) decides between the chosen projection and a quick preview, and
runs the projection on its bounded job pool; sessions asking for the same projection share one job.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.progress import duration
from components.seam import map_service
from core.jobs import Job
from core.maps.clusters import ClusterSpec
from core.maps.projection import ProjectionParams
from core.maps.service import WAIT_S, Extras, MapData, MapState
from core.maps.settings import METHOD_LABELS

CANCELLED = "ee_map_cancelled"  # projections this session stopped: (vectors hash, params)


def map_state(data: MapData, params: ProjectionParams, *, wait_s: float = 0.0) -> MapState:
    """The chosen projection when it is ready (or waited for, when estimated at `wait_s` or less), else a PCA
    preview and the background job computing it."""
    cancelled = (data.vectors_hash, params) in st.session_state.get(CANCELLED, set())
    return map_service().map_state(data, params, cancelled=cancelled, wait_s=wait_s, announce=st.spinner)


def cancel_projection(data: MapData, params: ProjectionParams) -> None:
    """Stop this session's wait for a projection (the job stops at its next step; nothing is written)."""
    st.session_state.setdefault(CANCELLED, set()).add((data.vectors_hash, params))
    map_service().cancel(data, params)


def resume_projection(data: MapData, params: ProjectionParams) -> None:
    """Compute a projection this session had cancelled."""
    st.session_state.get(CANCELLED, set()).discard((data.vectors_hash, params))


def waiting_note(job: Job, expected_s: float) -> str:
    """How long the job has run, and about how long is left by this machine's estimate."""
    if job.started_at is None:
        return "waiting for another map to finish first"
    left, step = job.progress.seconds_left(), job.progress
    if left is not None:  # a large map placing its points: measured progress
        return f"{step.phase.lower()}: {step.done:,} of {step.total:,} placed, about {duration(left)} left"
    ran = job.running_s()
    if ran < expected_s:
        return f"about {duration(expected_s - ran)} left, {duration(ran)} so far"
    return f"taking longer than the {duration(expected_s)} estimated, {duration(ran)} so far"


def poll_job(job: Job, message: Callable[[], str], cancel: Callable[..., None], args: tuple, *,
             label: str, key: str) -> None:
    """Each second: rerun the page once `job` is done; meanwhile keep it wanted, say `message()`, and offer a
    button (`label`, `key`) that calls `cancel(*args)`."""
    @st.fragment(run_every=1.0)
    def poll() -> None:
        if job.done():
            st.rerun()
        map_service().still_waiting(job)
        st.info(message())
        st.button(label, key=key, on_click=cancel, args=args)

    poll()


MAP_PREVIEW = ("Meanwhile this is a quick PCA map of the same points; it is replaced as soon as the projection is "
               "ready.", "This is a PCA map of the same points.")


def pending_panel(data: MapData, params: ProjectionParams, state: MapState, *, key: str = "ee_map",
                  shown: tuple[str, str] = MAP_PREVIEW) -> None:
    """Say what is shown while the chosen projection computes (`shown`: meanwhile, and after a cancel), with
    Cancel and time left; rerun the page when it is ready."""
    method = METHOD_LABELS[params.method]
    if state.cancelled:
        st.info(f"{method} was cancelled. {shown[1]}")
        st.button(f"Compute {method}", key=f"{key}_resume", on_click=resume_projection, args=(data, params))
        return
    job = state.job
    poll_job(job, lambda: f"{method} computing… ({waiting_note(job, state.expected_s)}). {shown[0]}",
             cancel_projection, (data, params), label=f"Cancel {method}", key=f"{key}_cancel")


def ready_projection(data: MapData, params: ProjectionParams, *, key: str, what: str) -> np.ndarray | None:
    """The projection when it is ready; else None, with its background job's time left and Cancel (`what` says
    what will appear when it is ready)."""
    state = map_state(data, params, wait_s=WAIT_S)
    if not state.preview:
        return state.coords
    pending_panel(data, params, state, key=key, shown=(f"{what} appears when it is ready.", f"{what} needs it."))
    return None


SKIPPED = "ee_map_extras_skipped"  # maps whose clusters and faithfulness this session stopped: (hash, params, spec)


def map_extras(data: MapData, state: MapState, spec: ClusterSpec | None) -> Extras:
    """The drawn map's clusters and faithfulness, or the background job computing them (see `extras_panel`)."""
    skip = (data.vectors_hash, state.params, spec) in st.session_state.get(SKIPPED, set())
    return map_service().extras(data, state, spec, skip=skip, announce=st.spinner)


def _skip_extras(data: MapData, params: ProjectionParams, spec: ClusterSpec | None) -> None:
    st.session_state.setdefault(SKIPPED, set()).add((data.vectors_hash, params, spec))
    map_service().cancel_extras(data, params, spec)


def _compute_extras(data: MapData, params: ProjectionParams, spec: ClusterSpec | None) -> None:
    st.session_state.get(SKIPPED, set()).discard((data.vectors_hash, params, spec))


def extras_panel(data: MapData, state: MapState, spec: ClusterSpec | None, extras: Extras) -> None:
    """While a drawn map's clusters and faithfulness compute: time left and Cancel; rerun when they are ready."""
    args = (data, state.params, spec)
    if extras.skipped:
        st.info("Clusters and faithfulness were not computed for this map.")
        st.button("Compute clusters and faithfulness", key="ee_map_extras_resume", on_click=_compute_extras, args=args)
        return
    job = extras.job
    poll_job(job, lambda: f"Computing the {job.label}… ({waiting_note(job, extras.expected_s)}). They appear on "
                          "this map when ready.",
             _skip_extras, args, label="Cancel", key="ee_map_extras_cancel")


CLUSTERS_OPEN = "ee_map_clusters_open"  # whether the Map page's cluster table is unfolded
FAITH_OPEN = "ee_map_faith_open"  # whether the Map page's faithfulness panel is unfolded


def opened_expander(label: str, key: str) -> DeltaGenerator | None:
    """An expander whose contents are drawn only while it is open (None while closed): a first map reaches the
    browser without the code of the tables and charts folded under it. Opening it reruns the page."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None
