"""The projection form derived from core.maps.settings, and the method picker."""
from __future__ import annotations

from typing import Any

import streamlit as st

from components.setting_widgets import setting_widget
from components.state import saved
from core.maps.settings import BY_NAME, METHOD_LABELS, SETTINGS, ProjectionParams, params_from
from core.setting import Setting


def _in_columns(settings: list[Setting]) -> dict[str, Any]:
    """One column per setting; setting name -> value."""
    values = {}
    for column, setting in zip(st.columns(len(settings)) if settings else [], settings):
        with column:
            values[setting.name] = setting_widget(setting)
    return values


def method_picker(*, key: str | None = None, label: str | None = None, default: str | None = None) -> str:
    """The projection method, outside any form: the settings shown below follow it at once."""
    setting = BY_NAME["method"]
    return setting_widget(setting, key=key, label=label, default=default) or default or setting.default


def applicable(method: str, *, per_map: bool | None = None) -> list[Setting]:
    """The settings other than the method that change a `method` projection (optionally only per-map ones)."""
    return [s for s in SETTINGS if s.name != "method" and s.applies_to(method)
            and (per_map is None or s.per_map == per_map)]


def projection_form() -> ProjectionParams:
    """The method (applied at once), then the settings that apply to it, applied together with Apply.

    Settings of other methods are hidden and keep their last value.
    """
    method = method_picker()
    with st.form("ee_projection_form", border=False):
        shown = applicable(method)
        values = _in_columns([s for s in shown if s.widget != "slider"])
        values |= _in_columns([s for s in shown if s.widget == "slider"])
        if not any(s.widget == "slider" for s in shown):
            st.caption(f"{METHOD_LABELS[method]} has no further settings.")
        st.form_submit_button("Apply", type="primary")
    return saved_params(**values, method=method)


def saved_params(**overrides) -> ProjectionParams:
    """The Map page's projection settings as last applied (defaults before the first visit), with overrides."""
    return params_from({s.name: saved(s.widget_key, s.default) for s in SETTINGS} | overrides)
