"""The row filter widget: pick a column, then a range of its numbers or some of its values."""
from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components.state import persist
from core.maps.figure import is_continuous

NONE = "(none)"
MAX_FILTER_VALUES = 200


@dataclass(frozen=True)
class RowFilter:
    """The rows a user keeps: those whose `column` lies in `span`, else those whose `column` is one of `values`."""

    column: Hashable
    span: tuple[float, float] | None = None
    values: tuple[Any, ...] = ()

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of `frame` are kept."""
        values = frame[self.column]
        return (values.between(*self.span) if self.span else values.isin(self.values)).to_numpy()


@dataclass(frozen=True)
class FilterWidget:
    """A filter's widget keys and labels; `values_label` is formatted with the column's name."""

    column_key: str
    key_prefix: str  # a column's range and values widgets are keyed `{prefix}_range_{column}`, `{prefix}_values_{column}`
    label: str
    values_label: str
    ranges: Collection[str] = ()  # columns always filtered by a range


def row_filter(frame: pd.DataFrame, text_column: str, widget: FilterWidget) -> RowFilter | None:
    """The filter the user set on `frame`'s columns (None keeps every row)."""
    options = [NONE, *[c for c in frame.columns if c != text_column]]
    column = st.selectbox(widget.label, options, **persist(widget.column_key, NONE, options=options, live=True))
    if column == NONE:
        return None
    values = frame[column]
    if is_continuous(values) or column in widget.ranges:
        low, high = float(values.min()), float(values.max())
        if not low < high:  # a constant (or empty) column: nothing to choose
            return None
        chosen = st.slider(f"{column} between", low, high,
                           **persist(f"{widget.key_prefix}_range_{column}", (low, high), live=True))
        return None if tuple(chosen) == (low, high) else RowFilter(column, span=tuple(chosen))
    choices = values.dropna().value_counts().index[:MAX_FILTER_VALUES].tolist()
    picked = st.multiselect(widget.values_label.format(column=column), choices,
                            **persist(f"{widget.key_prefix}_values_{column}", [], options=choices, live=True))
    return RowFilter(column, values=tuple(picked)) if picked else None
