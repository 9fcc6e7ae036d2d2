"""The Drift tab: two slices of the data by a column, both tests, the joint map, and what changed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.audits.report import record
from components.progress import progress
from components.quality import seam as quality_seam
from components.quality.other_data import joined, other_dataset
from components.quality.outliers_panel import CHART_CONFIG
from components.seam import Embedded
from components.state import DataChoice
from core.errors import UserError
from core.maps.clusters import ClusterSpec
from core.maps.projection import ProjectionParams
from core.maps.settings import METHOD_LABELS
from core.quality.drift import DriftResult, cluster_shift, interpretation, typical_rows
from core.quality.figures import drift_map
from core.quality.report import drift_section
from core.quality.settings import BY_NAME
from core.quality.slices import slice_sides

ASKED = "ee_quality_drift_asked"  # the drift this session asked for: its key
SIDE_HELP = "A value (2026, news), a comparison (<=2019, >2020) or a range (2010..2019)"
SHIFTED_ROWS = 15
MODES = {"slices": "Two slices of this data, by a column", "datasets": "This data and another dataset"}


def _two_values(values: pd.Series) -> tuple[str, str]:
    distinct = sorted(values.dropna().astype(str).str.strip().unique().tolist())
    return (distinct[0], distinct[1]) if len(distinct) == 2 else ("", "")


def _sides(emb: Embedded) -> tuple[np.ndarray, str, str] | None:
    """Side per row (0: A, 1: B, -1: neither) and the sides' names, from a column and two values or ranges."""
    ds = emb.dataset
    columns = [c for c in ds.frame.columns if c != ds.text_column]
    if not columns:
        st.info("This data has no column besides its text to split it by; drift compares two slices of one column "
                "(the command line also compares two files: `python -m core drift A.csv B.csv`).")
        return None
    column_box, a_box, b_box = st.columns([2, 2, 2])
    column = column_box.selectbox("Split by column", columns, key="ee_quality_drift_column")
    two = _two_values(ds.frame[column])
    a = a_box.text_input("Side A", two[0], key=f"ee_quality_drift_a_{column}", help=SIDE_HELP)
    b = b_box.text_input("Side B", two[1], key=f"ee_quality_drift_b_{column}", help=SIDE_HELP)
    try:
        return slice_sides(ds.frame, column, a.strip() or None, b.strip() or None)
    except UserError as err:
        st.warning(str(err))
        return None


def _ask(key: tuple) -> None:
    st.session_state[ASKED] = key


def _stop() -> None:
    st.session_state.pop(ASKED, None)


def _measure(emb: Embedded, side: np.ndarray, permutations: int) -> DriftResult | None:
    """The drift, once asked for (with a progress bar and a Stop button while it computes)."""
    key = quality_seam.drift_key(emb, side, permutations)
    if st.session_state.get(ASKED) != key:
        st.button("Check drift", key="ee_quality_drift_run", type="primary", on_click=_ask, args=(key,))
        return None
    stop = st.empty()
    stop.button("Stop", key="ee_quality_drift_stop", on_click=_stop)
    try:
        with progress("Checking drift (5 classifier folds, then the permutation tests)", unit="steps") as tick:
            return quality_seam.drift(emb, side, permutations, tick)
    finally:
        stop.empty()


def _other_sides(emb: Embedded, choice: DataChoice, params: ProjectionParams
                 ) -> tuple[Embedded, np.ndarray, np.ndarray, str, str] | None:
    """Both datasets joined, their joint map, side per row, and the two names (None while there is no other)."""
    other = other_dataset(choice)
    if other is None:
        return None
    names = (seam.dataset_title(choice), seam.dataset_title(other))
    both, side = joined(emb, seam.embedded(other), names)
    return both, seam.projection(both, params), side, *names


def drift_panel(emb: Embedded, coords: np.ndarray, params: ProjectionParams, title: str, choice: DataChoice) -> None:
    """What changed between two slices of the data, or between it and another dataset: both tests, the joint map
    and the clusters that moved."""
    mode = st.radio("Compare", list(MODES), format_func=MODES.get, horizontal=True, key="ee_quality_drift_mode")
    try:
        if mode == "slices":
            sides = _sides(emb)
            found = None if sides is None else (emb, coords, *sides)
        else:
            found = _other_sides(emb, choice, params)
    except UserError as err:
        st.error(str(err))
        return
    if found is None:
        return
    target, target_coords, side, name_a, name_b = found
    permutations = int(st.number_input(BY_NAME["permutations"].label, *BY_NAME["permutations"].bounds,
                                       value=BY_NAME["permutations"].default, key="ee_quality_permutations",
                                       help=BY_NAME["permutations"].help))
    st.caption(f"{name_a}: {int((side == 0).sum()):,} rows · {name_b}: {int((side == 1).sum()):,} rows")
    try:
        result = _measure(target, side, permutations)
        if result is not None:
            map_title = title if target is emb else f"{METHOD_LABELS[params.method]} of both datasets"
            _show(target, target_coords, params, side, (name_a, name_b), result, map_title)
    except UserError as err:
        st.error(str(err))


def _show(emb: Embedded, coords: np.ndarray, params: ProjectionParams, side: np.ndarray, names: tuple[str, str],
          result: DriftResult, title: str) -> None:
    columns = st.columns(4)
    columns[0].metric("Classifier ROC AUC", f"{result.auc:.3f}", help="0.5: the sides cannot be told apart")
    columns[1].metric("AUC p-value", "–" if result.auc_p is None else f"{result.auc_p:.3g}")
    columns[2].metric("MMD²", f"{result.mmd:.3g}", help=f"RBF kernel at the median heuristic, on {result.mmd_rows:,} "
                      "rows per side")
    columns[3].metric("MMD p-value", "–" if result.mmd_p is None else f"{result.mmd_p:.3g}")
    st.info(interpretation(result))
    ds = emb.dataset
    side_names = np.select([side == 0, side == 1], [names[0], names[1]], "")
    fig = drift_map(coords, ds.frame, ds.text_column, side_names, title=title, hover=seam.hover_labels(emb, ()))
    st.plotly_chart(fig, key="ee_quality_drift_map", config=CHART_CONFIG)
    rows = np.flatnonzero(side >= 0)
    clusters = seam.clusters(emb, coords, params, ClusterSpec())
    shift = cluster_shift(clusters.labels[rows], result.side, clusters.names[rows]).head(SHIFTED_ROWS)
    st.markdown("**Clusters whose share changed most** (the map's clusters)")
    st.dataframe(shift.drop(columns="cluster"), hide_index=True, key="ee_quality_drift_clusters",
                 column_config={c: st.column_config.NumberColumn(format="%.3f") for c in ("share_a", "share_b",
                                                                                          "change")})
    typical = [(name, [str(ds.texts[rows[r]]) for r in picked]) for name, picked in zip(names, typical_rows(result))]
    for column, (name, texts) in zip(st.columns(2), typical):
        column.markdown(f"**Most typical of {name}**")
        column.dataframe(pd.DataFrame({"text": texts}), hide_index=True, key=f"ee_quality_typical_{name}")
    record("drift", drift_section(result, shift, typical, sides=names, figure=fig))
