"""Stable maps on the Map page: rows added to the data are placed on the drawn map without moving its points, the
new rows are marked, and a refit is offered with the drift measured."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from components import seam
from components.access.policy import can_write
from components.data.upload import TABLE_TYPES, dataset_id
from components.maps.progressive import poll_job, waiting_note
from components.seam import Embedded
from components.state import SAVED, UPLOADS, DataChoice, set_active_choice
from core.data.append import NEW_COLUMN, added_rows, grown_dataset
from core.embedding.models import is_corpus_fitted
from core.errors import UserError
from core.jobs import Job, JobProgress
from core.maps import pace
from core.maps.projection import ProjectionParams
from core.maps.service import WAIT_S, MapData, MapService, MapState, fitted_key, projection_key
from core.maps.stable import Drift, MapRecipe, grow_and_keep, grown_key, kept_drift

GROWN = "ee_grown"  # the upload key of grown data -> its Growth
REFITTED = "ee_grown_refitted"  # (upload key, params) whose whole map this session recomputed
STOPPED = "ee_grown_stopped"  # (upload key, params) whose placing this session cancelled
COLOUR_NEW = "ee_grown_colour"  # rows were just added: colour by the new column on the next run
COLOUR_KEY = "ee_w_color"
ADDED_FILES = "ee_grown_files"  # files added so far: the uploader is emptied after each, so a file is added once


@dataclass(frozen=True, eq=False)
class Growth:
    """Rows added to the data of a drawn map: that map's key and coordinates, and how it was made."""

    old_hash: str
    old_coords: np.ndarray
    params: ProjectionParams
    recipe: MapRecipe

    @property
    def old_rows(self) -> int:
        return len(self.old_coords)


def _growth(choice: DataChoice, params: ProjectionParams) -> Growth | None:
    """The growth whose map is shown for these settings (None: not grown data, other settings, or refitted)."""
    growth = st.session_state.get(GROWN, {}).get(choice.dataset) if choice.source == "upload" else None
    if growth is None or growth.params != params or (choice.dataset, params) in st.session_state.get(REFITTED, set()):
        return None
    return growth


def _drift_key(data: MapData, params: ProjectionParams) -> tuple:
    return ("drift", data.vectors_hash, params)


def shown_map(emb: Embedded, choice: DataChoice, params: ProjectionParams) -> tuple[MapData, Growth | None]:
    """The map data to draw: for grown data, its own key, with the new rows placed on the old map first (with
    progress, and time left and Cancel when it takes a while); else the data's map as usual."""
    if st.session_state.pop(COLOUR_NEW, False):
        st.session_state[COLOUR_KEY] = st.session_state.setdefault(SAVED, {})[COLOUR_KEY] = NEW_COLUMN
    growth = _growth(choice, params)
    if growth is None:
        return emb.map_data, None
    data = replace(emb.map_data, vectors_hash=grown_key(growth.old_hash, emb.vectors_hash))
    service = seam.map_service()
    if projection_key(data, params) not in service.memos["projection"] and not service.on_disk(data, params):
        _place(data, growth, params, choice.dataset)
    return data, growth


def _place(data: MapData, growth: Growth, params: ProjectionParams, upload_key: str) -> None:
    """Place the new rows on the old map in the background; returns once placed, else shows progress and stops."""
    service, progress, stop = seam.map_service(), JobProgress(), (upload_key, params)
    if stop in st.session_state.get(STOPPED, set()):
        st.info("Placing the new rows was cancelled.")
        st.button("Place the new rows", key="ee_grow_resume", on_click=_resume, args=(stop,))
        st.button("Refit the whole map", key="ee_grow_refit_instead", on_click=_refit, args=stop)
        st.stop()
    path, n_new = service.projection_path(data, params), len(data) - growth.old_rows

    fitted, old_fit = service.memos["fitted"], fitted_key(replace(data, vectors_hash=growth.old_hash), params)
    projector = fitted.get_or_make(old_fit, lambda: None) if old_fit in fitted else None  # fitted here already

    def work(cancel) -> np.ndarray:
        coords, drift = grow_and_keep(data.vectors, growth.old_coords, growth.recipe, path, cancel=cancel,
                                      progress=progress, projector=projector)
        service.memos["derived"].put(_drift_key(data, params), drift)
        service.memos["projection"].put(projection_key(data, params), coords)
        return coords

    job = service.pool.submit(("grow", data.vectors_hash, params), f"placing {n_new:,} new rows", work,
                              progress=progress)
    service.still_waiting(job)
    expected = pace.estimate_seconds(params.method, min(growth.old_rows, service.max_fit) + n_new)
    what = f"Placing {n_new:,} new rows into the map of {growth.old_rows:,}"
    if expected <= WAIT_S:
        with st.spinner(f"{what}…"):
            job.future.exception()
    if job.done():
        service.pool.forget(job.key)
        _placed_or_stop(job, stop)
        return
    poll_job(job, lambda: f"{what}… ({waiting_note(job, expected)}).", _cancel, (service, job.key, stop),
             label="Cancel", key="ee_grow_cancel")
    st.stop()


def _placed_or_stop(job: Job, stop: tuple) -> None:
    """Return when the rows were placed; else say why they could not be, offer a refit, and stop."""
    try:
        job.result()
    except UserError as err:
        st.error(f"{err} Refit to map every row afresh.")
        st.button("Refit the whole map", key="ee_grow_refit_failed", on_click=_refit, args=stop)
        st.stop()


def _cancel(service: MapService, key: tuple, stop: tuple) -> None:
    st.session_state.setdefault(STOPPED, set()).add(stop)
    service.pool.cancel(key)


def _resume(stop: tuple) -> None:
    st.session_state.get(STOPPED, set()).discard(stop)


def _refit(upload_key: str, params: ProjectionParams) -> None:
    """Recompute the whole map of the grown data, as for any data (the old points may move)."""
    st.session_state.setdefault(REFITTED, set()).add((upload_key, params))
    _resume((upload_key, params))


def grown_note(data: MapData, growth: Growth | None) -> str:
    """The figure's note on a grown map (empty otherwise)."""
    if growth is None:
        return ""
    return f" · {len(data) - growth.old_rows:,} new rows placed into the map of {growth.old_rows:,}"


def _drift(data: MapData, params: ProjectionParams) -> Drift | None:
    service = seam.map_service()
    path = service.projection_path(data, params)
    return service.memos["derived"].get_or_make(_drift_key(data, params),
                                                lambda: None if path is None else kept_drift(path))


def refit_panel(data: MapData, growth: Growth, choice: DataChoice, params: ProjectionParams) -> None:
    """The drift of the grown map in one sentence, and the Refit button."""
    drift = _drift(data, params)
    if drift is not None:
        st.caption(drift.sentence())
    st.button("Refit", key="ee_grow_refit", on_click=_refit, args=(choice.dataset, params),
              help="Recompute the whole map of every row; the old points may move.")


def add_rows_panel(emb: Embedded, choice: DataChoice, data: MapData, state: MapState, growth: Growth | None) -> None:
    """Upload rows of the same kind; they join the data, embedded like it, and are placed on this map."""
    if not can_write() or state.preview:
        return
    with st.expander("Add rows to this data and map"):
        if state.params.method == "tsne":
            st.caption("A t-SNE map cannot place new points; switch to UMAP or PCA to add rows.")
            return
        if is_corpus_fitted(choice.model):
            st.caption("This model is fitted on the data's own texts, so added rows would change every vector and "
                       "move every point; choose another model to add rows to a map.")
            return
        st.caption("The old points keep their places; the new rows are embedded like the rest and placed among "
                   "them, then marked in the “new” column.")
        file = st.file_uploader("More rows: a table with the same columns, or a .npy of vectors of the same "
                                "dimension", type=[*TABLE_TYPES, "npy"],
                                key=f"ee_grow_file_{st.session_state.get(ADDED_FILES, 0)}")
        if file is None or not st.button("Add rows", type="primary", key="ee_grow_add"):
            return
        try:
            raw = seam.raw_dataset(choice)
            grown = grown_dataset(raw, added_rows(file.getvalue(), file.name, raw))
        except UserError as err:
            st.error(str(err))
            return
    _start_growing(emb, choice, data, state, growth, grown)


def _start_growing(emb: Embedded, choice: DataChoice, data: MapData, state: MapState, growth: Growth | None,
                   grown) -> None:
    """Make the grown data the data shown, remember the map its new rows go into, and rerun."""
    vectors = emb.dataset.vectors
    recipe = growth.recipe.grown(vectors) if growth is not None else \
        MapRecipe.of(vectors, state.params, seam.map_service().max_fit)
    key = dataset_id(grown)
    st.session_state.setdefault(UPLOADS, {})[key] = grown
    st.session_state.setdefault(GROWN, {})[key] = Growth(data.vectors_hash, state.coords, state.params, recipe)
    set_active_choice(replace(choice, source="upload", dataset=key))
    st.session_state[COLOUR_NEW] = True
    st.session_state[ADDED_FILES] = st.session_state.get(ADDED_FILES, 0) + 1
    st.rerun()
