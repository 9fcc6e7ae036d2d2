"""Projection settings as widgets, derived from core.maps.settings and applied together from one form."""
from __future__ import annotations

from typing import Any

import streamlit as st

from components.state import persist, saved
from core.maps.settings import SETTINGS, ProjectionParams, Setting, params_from


def setting_widget(setting: Setting, *, key: str | None = None, label: str | None = None,
                   default: Any = None) -> Any:
    """The widget for one setting, keeping its value across pages; returns its value."""
    value = setting.default if default is None else default
    kwargs = persist(key or setting.widget_key, value, options=setting.choices or None)
    label = label or setting.label
    if setting.widget == "segmented":
        return st.segmented_control(label, list(setting.choices), format_func=setting.choice_label, **kwargs)
    if setting.widget == "select":
        return st.selectbox(label, list(setting.choices), format_func=setting.choice_label, **kwargs)
    low, high = setting.bounds
    if setting.widget == "number":
        return st.number_input(label, low, high, **kwargs)
    return st.slider(label, low, high, step=setting.step, **kwargs)


def _in_columns(settings: list[Setting]) -> dict[str, Any]:
    """One column per setting; setting name -> value."""
    values = {}
    for column, setting in zip(st.columns(len(settings)), settings):
        with column:
            values[setting.name] = setting_widget(setting)
    return values


def projection_form() -> ProjectionParams:
    """Widgets for the projection; values take effect when the user presses Apply."""
    with st.form("ee_projection_form", border=False):
        values = _in_columns([s for s in SETTINGS if s.widget != "slider"])
        values |= _in_columns([s for s in SETTINGS if s.widget == "slider"])
        st.form_submit_button("Apply", type="primary")
    return params_from(values)


def saved_params(**overrides) -> ProjectionParams:
    """The Map page's projection settings as last applied (defaults before the first visit), with overrides."""
    return params_from({s.name: saved(s.widget_key, s.default) for s in SETTINGS} | overrides)
