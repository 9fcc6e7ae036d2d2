"""The view in the address bar: read once when a session opens a link, written whenever the view changes."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from components.access.policy import link_model_allowed
from components.access.published import PUBLISHED, published_names
from components.state import (
    PRECOMPUTED,
    SAVED,
    UPLOADS,
    DataChoice,
    active_choice,
    set_active_choice,
)
from core.data.builtins import DEFAULT_DATASET
from core.embedding.kinds import kind_model
from core.embedding.models import CUSTOM_PREFIX, DEFAULT_MODEL, MODELS
from core.embedding.windows import LONG_TEXTS, OVERLAP
from core.maps.cluster_settings import BY_NAME as CLUSTER_BY_NAME
from core.maps.cluster_settings import CLUSTER_SETTINGS, NO_CLUSTERS, ClusterSpec
from core.maps.settings import SETTINGS, ProjectionParams
from core.maps.view_state import Ignored, ViewState, decode_view, encode_view, ignored, view_fields

LOADED = "ee_url_loaded"
NOTICE = "ee_url_notice"
LINK_COLOR = "ee_url_color"  # the link's colour column, checked once the data's columns are known
SHOWN_CHARS = 40  # of a link value quoted in a notice


def _model_widgets(model: str) -> dict[str, object]:
    """The Data page's model widgets for a model key."""
    if model.startswith(CUSTOM_PREFIX):
        return {"ee_w_model": "custom", "ee_w_custom_model": model[len(CUSTOM_PREFIX):]}
    return {"ee_w_model": model} if model in MODELS or model == PRECOMPUTED else {}


def cluster_widgets(spec: ClusterSpec | None) -> dict[str, object]:
    """Cluster form values for a spec (method "none" when there is none)."""
    if spec is None:
        return {CLUSTER_BY_NAME["method"].widget_key: NO_CLUSTERS}
    return {s.widget_key: s.widget_value(getattr(spec, s.name)) for s in CLUSTER_SETTINGS}


def _widget_values(view: ViewState) -> dict[str, object]:
    values = {s.widget_key: getattr(view.projection, s.name) for s in SETTINGS}
    values |= _model_widgets(view.model) | cluster_widgets(view.clusters)
    values |= {LONG_TEXTS.widget_key: view.long_texts.mode, OVERLAP.widget_key: view.long_texts.overlap}
    if view.source == "builtin":
        values |= {"ee_w_source": "builtin", "ee_w_builtin": view.dataset, "ee_w_glove_size": view.size}
    if view.source == PUBLISHED:
        values |= {"ee_w_source": PUBLISHED, "ee_w_published": view.dataset}
    if view.color:
        values["ee_w_color"] = view.color
    return values | _option_widgets(view)


def _option_widgets(view: ViewState) -> dict[str, object]:
    """The widgets of the model's own settings (a graph or table model's), at the link's values."""
    spec = kind_model(view.model)
    if spec is None or spec.options is None:
        return {}
    return {s.widget_key: _widget_value(s, getattr(value, s.name)) for _, value in view.options
            for s in spec.options.settings}


def _widget_value(setting, value):
    return list(value) if isinstance(value, tuple) else setting.widget_value(value)


def link_choice(view: ViewState) -> DataChoice:
    """The data choice a view shows: data, size, model and what long texts become."""
    return DataChoice(view.source, view.dataset, view.size, view.model, view.long_texts.mode, view.long_texts.overlap,
                      view.options)


def link_view(choice: DataChoice, params: ProjectionParams, spec: ClusterSpec | None, color: str | None) -> ViewState:
    """The view of a data choice with these projection, clusters and colour (the inverse of `link_choice`)."""
    return ViewState(choice.source, choice.dataset, choice.size, choice.model, choice.long, params, color, spec,
                     choice.options)


def _choice(view: ViewState) -> DataChoice | None:
    """The data choice a link names, or None when it names an upload this session does not hold."""
    if view.source == "upload" and view.dataset not in st.session_state.get(UPLOADS, {}):
        return None
    return link_choice(view)


def known_only(view: ViewState, dropped: list[str]) -> tuple[ViewState, list[str]]:
    """The view with only what this server offers: a model a link may name (a registered one, a fine-tuned one of
    this app, or one the operator allowed; never a path) and a published map it has. Anything else is dropped,
    before anything is loaded, and named in the notice like any unusable value."""
    if view.model != PRECOMPUTED and not link_model_allowed(view.model):
        view, dropped = replace(view, model=DEFAULT_MODEL), [*dropped, "model"]
    if view.source == PUBLISHED and view.dataset not in published_names():
        view, dropped = replace(view, source="builtin", dataset=DEFAULT_DATASET), [*dropped, "data"]
    return view, dropped


def apply_link() -> DataChoice:
    """On a session's first run, take the view from the URL; returns the data choice in force."""
    if st.session_state.get(LOADED):
        return active_choice()
    st.session_state[LOADED] = True
    params = st.query_params.to_dict()
    if not set(params) & set(view_fields()):
        return active_choice()
    view, dropped = known_only(*decode_view(params))
    choice = _choice(view)
    notes = [_ignored_note(ignored(params, view, dropped))] if dropped else []
    if choice is None:
        notes.append("This link points to uploaded data, which lives only in the session that uploaded it; "
                     "showing the default data instead. Upload the file on the Data page.")
    else:
        set_active_choice(choice)
    st.session_state.setdefault(SAVED, {}).update(_widget_values(view))
    if view.color:
        st.session_state[LINK_COLOR] = view.color
    if notes:
        st.session_state[NOTICE] = " ".join(notes)
    return active_choice()


def _code(key: str, value: str) -> str:
    """`key=value` as inline code (so a hand-edited value shows as typed), long values cut."""
    value = value if len(value) <= SHOWN_CHARS else f"{value[:SHOWN_CHARS]}…"
    return f"`{key}={value.replace('`', '')}`".replace("\n", " ")


def _ignored_note(items: Sequence[Ignored]) -> str:
    """The notice for parameters a link gave unusable values: their names, and what is shown instead of each."""
    instead = ", ".join(f"{_code(i.key, i.used) if i.used is not None else f'the default {i.key}'} instead of "
                        f"{_code(i.key, i.given)}" for i in items)
    return f"Ignored link parameter(s) with unusable values: {', '.join(i.key for i in items)}. Showing {instead}."


def take_notice() -> str | None:
    """What could not be taken from the link, once (None when there is nothing to say)."""
    return st.session_state.pop(NOTICE, None)


def color_notice(options: Sequence[str], used: str) -> str | None:
    """Once per link: a sentence when the link's colour is not a column of the data shown."""
    wanted = st.session_state.pop(LINK_COLOR, None)
    if wanted is None or wanted in options:
        return None
    return (f"Ignored link parameter with an unusable value: color={wanted} is not a column of the data shown; "
            f"colouring by {used} instead.")


def sync_link(choice: DataChoice, params: ProjectionParams, spec: ClusterSpec | None, color: str | None) -> None:
    """Write the view into the URL (only our parameters, and only when they changed)."""
    wanted = encode_view(link_view(choice, params, spec, color))
    current = st.query_params.to_dict()
    ours = set(view_fields())
    if {k: v for k, v in current.items() if k in ours} == wanted:
        return
    for key in ours & set(current) - set(wanted):
        del st.query_params[key]
    st.query_params.update(wanted)


def sync_color(color: str | None) -> None:
    """Update just the colour in the URL (from inside the map's fragment)."""
    if color and st.query_params.get("color") != color:
        st.query_params["color"] = color
    elif not color and "color" in st.query_params:
        del st.query_params["color"]

