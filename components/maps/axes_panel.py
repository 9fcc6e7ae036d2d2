"""Custom axes (the Embedding Projector's Custom tab): each axis runs from one pole to another."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components import seam
from components.maps.map_panel import SELECTION
from components.maps.plots import show_scatter
from components.state import DataChoice, persist
from core.data.builtins import BUILTINS, NO_AXES
from core.errors import UserError
from core.maps.axes import SELECTION as SELECTION_POLE
from core.maps.axes import Pole, axis_title, custom_axes, resolve_pole
from core.maps.figure import build_scatter

NONE = "(none)"
NAMES = ("x: pole A", "x: pole B (optional)", "y: pole C", "y: pole D (optional)")


def _pole_inputs(dataset_key: str) -> list[str]:
    spec = BUILTINS.get(dataset_key)
    defaults = spec.example_axes if spec is not None else NO_AXES
    with st.form("ee_axes_form", border=False):
        columns = st.columns(4)
        specs = [col.text_input(name, **persist(f"ee_w_axes_{i}", default))
                 for i, (col, name, default) in enumerate(zip(columns, NAMES, defaults))]
        st.form_submit_button("Draw", type="primary")
    st.caption("A pole is a word or phrase (embedded with the current model), /regex/ (the mean of the rows whose "
               f"text matches), or {SELECTION_POLE} (the mean of the points selected on the Map page). "
               "x = cos(v, A) − cos(v, B); y likewise.")
    return specs


def _resolve(specs: list[str], emb: seam.Embedded, choice: DataChoice) -> list[Pole | None]:
    embed = seam.phrase_embedder(choice, emb)
    texts, vectors = emb.dataset.texts, emb.dataset.vectors
    selection = st.session_state.get(SELECTION, [])
    return [resolve_pole(s, texts=texts, vectors=vectors, embed=embed, selection=selection) if s.strip() else None
            for s in specs]


@st.fragment
def _axes_chart(emb: seam.Embedded, coords: np.ndarray, titles: tuple[str, str]) -> None:
    options = [NONE, *emb.dataset.metadata_columns]
    color = st.selectbox("Colour by", options, **persist("ee_w_axes_color", NONE, options=options, live=True))
    hover = seam.hover_labels(emb, tuple(emb.dataset.metadata_columns[:4]))
    fig = build_scatter(coords, emb.dataset.frame, text_column=emb.dataset.text_column, hover=hover,
                        color=None if color == NONE else color, axis_titles=titles, title="Custom axes")
    rows = show_scatter(fig, key="ee_axes_chart")
    if rows:
        st.dataframe(emb.dataset.frame.iloc[rows], hide_index=True, width="stretch", key="ee_axes_table")


def custom_axes_panel(emb: seam.Embedded, choice: DataChoice) -> None:
    """Pole inputs, then the data drawn on the two custom axes."""
    specs = _pole_inputs(choice.dataset)
    if not specs[0].strip() or not specs[2].strip():
        st.info("Give at least pole A (x) and pole C (y).")
        return
    try:
        a, b, c, d = _resolve(specs, emb, choice)
    except UserError as err:
        st.error(str(err))
        return
    st.caption(" · ".join(f"{p.spec}: {p.source}" for p in (a, b, c, d) if p is not None))
    coords = custom_axes(emb.dataset.vectors, (a, b), (c, d))
    _axes_chart(emb, coords, (axis_title(a, b), axis_title(c, d)))
