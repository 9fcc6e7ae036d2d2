"""The current map coloured by each point's evaluation outcome, with the failures highlighted."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from components import seam
from components.maps.controls import saved_params
from components.maps.images import hover_pictures
from components.maps.progressive import ready_projection
from core.errors import UserError
from core.maps.figure import build_scatter

OUTCOME = "outcome"


def outcome_map(emb: seam.Embedded, outcome: np.ndarray, *, failed: Sequence[str], key: str, title: str) -> None:
    """The Map page's projection (2D) coloured by `outcome`; points whose outcome is in `failed` are ringed."""
    try:
        coords = ready_projection(emb.map_data, saved_params(n_components=2), key=f"{key}_projection", what="This map")
    except UserError as err:
        st.error(str(err))
        return
    if coords is None:
        return
    ds = emb.dataset
    frame = ds.frame.assign(**{OUTCOME: outcome})
    highlight = np.flatnonzero(np.isin(outcome, list(failed)))
    fig = build_scatter(coords, frame, text_column=ds.text_column, color=OUTCOME, highlight=highlight,
                        hover_columns=[OUTCOME, *ds.metadata_columns[:3]], title=title, height=520)
    if len(highlight):
        fig.data[-1].name = f"{' or '.join(failed)} ({len(highlight):,}), ringed"
    st.plotly_chart(fig, key=key, config={"displaylogo": False, "scrollZoom": True})
    hover_pictures(emb, range(len(coords)), chart_key=key)
    st.caption(f"{len(highlight):,} of {len(outcome):,} points {' or '.join(failed)} (ringed). "
               "The map uses the Map page's projection settings.")


def results_store() -> dict:
    """Evaluation results of this session, keyed by task, vectors and columns (they survive reruns)."""
    return st.session_state.setdefault("ee_eval_results", {})
