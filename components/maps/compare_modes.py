"""The Compare page's two side-by-side modes: two projections of one model, or one projection of two models."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from components import seam
from components.common_rows import common_rows
from components.maps.agreement import agreement_section
from components.maps.compare_panel import (
    Side,
    overlap_caption,
    overlap_table,
    side_by_side,
    worst_rows,
)
from components.maps.controls import applicable, method_picker, saved_params
from components.maps.images import with_pictures
from components.maps.progressive import ready_projection
from components.setting_widgets import setting_widget
from components.state import PRECOMPUTED, DataChoice, saved, saved_index, vector_sources
from core.embedding.models import MODELS, model_title
from core.errors import UserError
from core.maps.compare import DEFAULT_K, map_overlap, model_overlap
from core.maps.settings import METHOD_LABELS, SETTINGS, ProjectionParams
from core.training.store import local_models

LONG_S = 60.0  # a side whose projection would take longer here is not a default


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


def default_methods(emb: seam.Embedded) -> dict[str, str]:
    """The Map page's method on the left (computed already, as a rule); t-SNE on the right, unless this machine
    would take over LONG_S for it here, then the cheapest method the left does not show."""
    left = saved_params().method
    quick = "tsne" if seam.map_service().estimate_s(emb.map_data, saved_params(method="tsne")) <= LONG_S else "pca"
    right = quick if quick != left else ("umap" if left == "pca" else "pca")
    return {"left": left, "right": right}


def compare_settings(sides: dict[str, str] | None = None) -> tuple[ProjectionParams, ProjectionParams]:
    """Each side's method (applied at once; `sides`: the default of each), then the settings of those methods in
    one form, applied together."""
    sides = sides or {"left": "umap", "right": "tsne"}
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
    left, right = compare_settings(default_methods(emb))
    try:
        a = ready_projection(emb.map_data, left, key="ee_cmp_left", what="The two maps")
        b = ready_projection(emb.map_data, right, key="ee_cmp_right", what="The two maps")
    except UserError as err:
        st.error(str(err))
        return
    if a is None or b is None:
        return
    k = min(DEFAULT_K, len(a) - 1)
    overlap = map_overlap(a, b, k)
    caption = overlap_caption(overlap, k, "on the two maps")
    side_by_side(emb, Side(a, METHOD_LABELS[left.method]), Side(b, METHOD_LABELS[right.method]), overlap,
                 caption=caption)
    with st.expander("Points whose neighbours differ most between the two maps"):
        _worst_table(emb, overlap)


def _worst_table(emb: seam.Embedded, overlap: np.ndarray) -> None:
    """The points whose neighbours differ most, with their pictures when the data has them."""
    table, config = with_pictures(emb, overlap_table(emb.dataset.frame, overlap, emb.dataset.text_column),
                                  worst_rows(overlap).tolist())
    st.dataframe(table, hide_index=True, width="stretch", key="ee_cmp_worst", column_config=config)


def _model_options(choice: DataChoice) -> list[str]:
    """The vectors the Data page offers for this data, bar the current ones."""
    text_models = [*MODELS, *(m.key for m in local_models())]  # with the models fine-tuned or trained here
    return [m for m in vector_sources(seam.raw_dataset(choice), text_models) if m != choice.model]


def _label(model: str) -> str:
    return "the data's own vectors" if model == PRECOMPUTED else model_title(model)


def compare_models(emb: seam.Embedded, choice: DataChoice) -> None:
    """The same projection of two models' vectors; overlap of each point's original-space neighbours."""
    options = _model_options(choice)
    if not options:
        st.info("This data has no text for a model to embed, only its own vectors, so there is no second model to "
                "compare them with.")
        return
    other = st.selectbox(f"Compare {_label(choice.model)} with", options, format_func=_label, key="ee_w_cmp_model",
                         index=saved_index("ee_w_cmp_model", options))
    params = saved_params(n_components=2)
    try:
        a, b = common_rows([emb, seam.embedded(replace(choice, model=other))])
        coords_a = ready_projection(a.map_data, params, key="ee_cmp_model_a", what="The two maps")
        coords_b = ready_projection(b.map_data, params, key="ee_cmp_model_b", what="The two maps")
        if coords_a is None or coords_b is None:
            return
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
        _worst_table(a, overlap)
    agreement_section(a, b, coords_a, (_label(choice.model), _label(other)))
