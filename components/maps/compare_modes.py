"""The Compare page's two side-by-side modes: two projections of one model, or one projection of two models."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from components import seam
from components.evaluation.agreement import agreement_section
from components.maps.compare_panel import (
    Side,
    overlap_caption,
    overlap_table,
    side_by_side,
)
from components.maps.controls import applicable, method_picker, saved_params, setting_widget
from components.state import PRECOMPUTED, DataChoice, saved, saved_index
from core.embedding.models import MODELS, model_title
from core.errors import UserError
from core.hashing import hash_array
from core.maps.compare import DEFAULT_K, map_overlap, model_overlap
from core.maps.settings import METHOD_LABELS, SETTINGS, ProjectionParams


def _side_form(side: str, method: str) -> ProjectionParams:
    """The per-map settings that apply to `method` for one side (2D; the other settings follow the Map page)."""
    values = {}
    for setting in applicable(method, per_map=True):
        values[setting.name] = setting_widget(setting, key=f"ee_w_cmp_{side}_{setting.key}")
    hidden = [s for s in SETTINGS if s.per_map and s.name != "method" and s.name not in values]
    values |= {s.name: saved(f"ee_w_cmp_{side}_{s.key}", None) for s in hidden}
    if not applicable(method, per_map=True):
        st.caption(f"{METHOD_LABELS[method]} has no per-map settings.")
    return saved_params(n_components=2, method=method, **{k: v for k, v in values.items() if v is not None})


def compare_settings() -> tuple[ProjectionParams, ProjectionParams]:
    """Each side's method (applied at once), then the settings of those methods in one form, applied together."""
    sides = {"left": "umap", "right": "tsne"}
    methods = {}
    for column, (side, default) in zip(st.columns(2), sides.items()):
        with column:
            methods[side] = method_picker(key=f"ee_w_cmp_{side}_method", label=f"{side.title()} map", default=default)
    with st.form("ee_cmp_projection_form", border=False):
        params = []
        for column, side in zip(st.columns(2), sides):
            with column:
                params.append(_side_form(side, methods[side]))
        st.form_submit_button("Apply", type="primary")
    return params[0], params[1]


def compare_projections(emb: seam.Embedded) -> None:
    """Two projections of the same vectors; overlap of each point's neighbours on the two maps."""
    left, right = compare_settings()
    try:
        a, b = seam.projection(emb, left), seam.projection(emb, right)
    except UserError as err:
        st.error(str(err))
        return
    k = min(DEFAULT_K, len(a) - 1)
    overlap = map_overlap(a, b, k)
    caption = overlap_caption(overlap, k, "on the two maps")
    side_by_side(emb, Side(a, METHOD_LABELS[left.method]), Side(b, METHOD_LABELS[right.method]), overlap,
                 caption=caption)
    with st.expander("Points whose neighbours differ most between the two maps"):
        st.dataframe(overlap_table(emb.dataset.frame, overlap, emb.dataset.text_column), hide_index=True,
                     width="stretch", key="ee_cmp_worst")


def _model_options(choice: DataChoice) -> list[str]:
    has_vectors = seam.raw_dataset(choice).vectors is not None
    return [m for m in ([PRECOMPUTED] if has_vectors else []) + list(MODELS) if m != choice.model]


def _label(model: str) -> str:
    return "the data's own vectors" if model == PRECOMPUTED else model_title(model)


def _common_rows(a: seam.Embedded, b: seam.Embedded) -> tuple[seam.Embedded, seam.Embedded]:
    """Both embeddings restricted to the source rows both could embed (models may drop different rows)."""
    common = np.intersect1d(a.dataset.source_rows, b.dataset.source_rows)
    if len(common) == len(a.dataset) == len(b.dataset):
        return a, b

    def restrict(e: seam.Embedded) -> seam.Embedded:
        ds = e.dataset.subset(np.isin(e.dataset.source_rows, common), reason="not embedded by the other model")
        return replace(e, dataset=ds, vectors_hash=hash_array(ds.vectors))

    return restrict(a), restrict(b)


def compare_models(emb: seam.Embedded, choice: DataChoice) -> None:
    """The same projection of two models' vectors; overlap of each point's original-space neighbours."""
    options = _model_options(choice)
    other = st.selectbox(f"Compare {_label(choice.model)} with", options, format_func=_label, key="ee_w_cmp_model",
                         index=saved_index("ee_w_cmp_model", options))
    params = saved_params(n_components=2)
    try:
        a, b = _common_rows(emb, seam.embedded(replace(choice, model=other)))
        coords_a, coords_b = seam.projection(a, params), seam.projection(b, params)
        k = min(DEFAULT_K, len(a.dataset) - 1)
        overlap = model_overlap(seam.knn(a, params), seam.knn(b, params), k)
    except UserError as err:
        st.error(str(err))
        return
    if len(a.dataset) < len(emb.dataset):
        st.caption(f"Compared on the {len(a.dataset):,} rows both models could embed.")
    caption = overlap_caption(overlap, k, f"in the two models' original spaces ({params.metric})")
    side_by_side(a, Side(coords_a, _label(choice.model)), Side(coords_b, _label(other)), overlap, caption=caption)
    with st.expander("Points whose neighbours differ most between the two models"):
        st.dataframe(overlap_table(a.dataset.frame, overlap, a.dataset.text_column), hide_index=True,
                     width="stretch", key="ee_cmp_worst")
    agreement_section(a, b, coords_a, (_label(choice.model), _label(other)))
