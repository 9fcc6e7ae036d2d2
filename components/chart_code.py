"""Plotly's chart code, asked for on a session's first run so that the browser loads it while the page computes.

The browser fetches and evaluates Streamlit's Plotly chart code (megabytes of JavaScript, about a second of its
time) only once a page sends its first chart. A ten-pixel chart in the sidebar, sent before the page reads its
data, starts that work early. The page clears it before drawing its own first chart, and the router clears it at
the end of every run. A run that ends in `st.stop()` can send nothing more, so there the placeholder, drawn without
axes, stays blank until the next run.
"""
from contextvars import ContextVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

_ASKED = "_ee_chart_code_asked"
_PLACEHOLDER = {"data": [{"type": "scatter", "x": [], "y": []}],
                "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "xaxis": {"visible": False},
                           "yaxis": {"visible": False}, "paper_bgcolor": "rgba(0,0,0,0)",
                           "plot_bgcolor": "rgba(0,0,0,0)"}}
_slot: ContextVar[DeltaGenerator | None] = ContextVar("chart_code_slot", default=None)


def ask_for_chart_code() -> None:
    """On a session's first run, send the sidebar a placeholder chart (cleared by `clear_chart_code`)."""
    _slot.set(None)  # a slot from an earlier run, interrupted before it cleared, is not this run's
    if st.session_state.get(_ASKED):
        return
    st.session_state[_ASKED] = True
    slot = st.sidebar.empty()
    slot.plotly_chart(_PLACEHOLDER, config={"staticPlot": True, "displayModeBar": False})
    _slot.set(slot)


def clear_chart_code() -> None:
    """Remove the placeholder chart, if this run sent one."""
    slot = _slot.get()
    _slot.set(None)  # first: after `st.stop()`, `empty()` raises again
    if slot is not None:
        slot.empty()
