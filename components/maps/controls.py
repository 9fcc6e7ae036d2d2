"""Settings as widgets (one per `Setting` row), and the projection form derived from core.maps.settings."""
from __future__ import annotations

from typing import Any

import streamlit as st

from components.state import persist, saved
from core.maps.settings import BY_NAME, METHOD_LABELS, SETTINGS, ProjectionParams, params_from
from core.setting import Setting


def setting_widget(setting: Setting, *, key: str | None = None, label: str | None = None,
                   default: Any = None, **extra: Any) -> Any:
    """The widget for one setting, keeping its value across pages; returns its value as the widget holds it
    (`setting.cast` makes it the field's). `extra` goes to the Streamlit widget (e.g. a placeholder)."""
    value = setting.widget_value(setting.default) if default is None else default
    kwargs = {"help": setting.help or None} | persist(key or setting.widget_key, value,
                                                      options=setting.choices or None) | extra
    label = label or (f"{setting.label} (0 = {setting.auto})" if setting.auto else setting.label)
    options = list(setting.choices)
    if setting.widget == "segmented":
        return st.segmented_control(label, options, format_func=setting.choice_label, **kwargs)
    if setting.widget == "select":
        return st.selectbox(label, options, format_func=setting.choice_label, **kwargs)
    if setting.widget == "radio":
        return st.radio(label, options, format_func=setting.choice_label, horizontal=True, **kwargs)
    if setting.widget == "text":
        return st.text_input(label, **kwargs)
    low, high = setting.bounds
    if setting.widget == "number":
        return st.number_input(label, 0 if setting.auto else low, high, format=setting.format or None, **kwargs)
    return st.slider(label, low, high, step=setting.step, **kwargs)


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
