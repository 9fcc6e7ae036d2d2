"""The table model's settings on the Data page, derived from core.tables.settings; they become part of the data
choice, so other columns or settings are other vectors."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components.setting_widgets import setting_widget
from components.state import DataChoice, persist
from core.data.table import Dataset
from core.tables.models import TABLE_MODEL
from core.tables.settings import BY_NAME, TABLE_SETTINGS, TableSettings

TABLE_OPTIONS = "settings"  # the keyword the table model's `embed` takes
COLUMN_LISTS = ("columns", "exclude")


def _column_list(raw: Dataset, name: str) -> tuple[str, ...]:
    """A multiselect of the data's columns for a setting that names columns."""
    setting = BY_NAME[name]
    options = [str(c) for c in raw.frame.columns if not (raw.generated_labels and c == raw.text_column)]
    chosen = st.multiselect(setting.label, options, help=setting.help,
                            **persist(setting.widget_key, [], options=options))
    return tuple(chosen)


def with_table_settings(raw: Dataset, choice: DataChoice) -> DataChoice:
    """For the table model, its columns and settings in an expander, carried by the returned choice."""
    if choice.model != TABLE_MODEL:
        return choice
    with st.expander("Table model: columns and settings"):
        values = {name: _column_list(raw, name) for name in COLUMN_LISTS}
        others = [s for s in TABLE_SETTINGS if s.name not in COLUMN_LISTS]
        for column, setting in zip(st.columns(3) * (len(others) // 3 + 1), others):
            with column:
                values[setting.name] = setting.cast(setting_widget(setting))
    settings = TableSettings(**values)
    return replace(choice, options=((TABLE_OPTIONS, settings),)) if settings != TableSettings() else choice
