"""Settings as widgets: one widget per `Setting` row, keeping its value across pages."""
from __future__ import annotations

from typing import Any

import streamlit as st

from components.state import persist
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
