"""The graph models' settings on the Data page, derived from core.graphs.settings; they become part of the
data choice, so other settings are other vectors."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components.state import DataChoice, persist
from core.data.table import Dataset
from core.graphs.models import MODELS
from core.graphs.settings import GRAPH_SETTINGS, SMALL_GRAPH, graph_params
from core.setting import Setting

GRAPH_PARAMS = "graph_params"


def _widget(setting: Setting):
    """A number input for one setting, keeping its value across pages."""
    low, high = setting.bounds or (None, None)
    if isinstance(setting.default, float):
        return st.number_input(setting.label, float(low), float(high), step=float(setting.step or 0.1),
                               help=setting.help, **persist(setting.widget_key, setting.default))
    return st.number_input(setting.label, int(low), int(high), step=int(setting.step or 1), help=setting.help,
                           **persist(setting.widget_key, setting.widget_value(setting.default)))


def with_graph_settings(raw: Dataset, choice: DataChoice) -> DataChoice:
    """For a graph model, its settings (those that change it) in an expander, carried by the returned choice."""
    if choice.model not in MODELS:
        return choice
    shown = [s for s in GRAPH_SETTINGS if s.applies_to(choice.model)]
    st.caption(MODELS[choice.model].description)
    with st.expander(f"{MODELS[choice.model].title}: settings"):
        columns = st.columns(3)
        values = {s.key: _widget_in(columns[i % 3], s) for i, s in enumerate(shown)}
        st.caption(_workers_note(len(raw), values.get("walk_workers")) if choice.model != "spectral"
                   else "Spectral embedding has no randomness beyond its seed: runs repeat exactly.")
    return replace(choice, options=((GRAPH_PARAMS, graph_params(values)),))


def _widget_in(column, setting: Setting):
    with column:
        return _widget(setting)


def _workers_note(n_nodes: int, workers: int | None) -> str:
    """What the worker count means for reproducibility."""
    if workers:
        return (f"{workers} worker(s): " + ("the same seed gives the same vectors on every run." if workers == 1
                else "faster, but the threads' timing changes the vectors slightly from run to run."))
    if n_nodes <= SMALL_GRAPH:
        return (f"One worker (the default up to {SMALL_GRAPH:,} nodes): the same seed gives the same vectors on "
                "every run.")
    return (f"Two workers (the default above {SMALL_GRAPH:,} nodes): faster, but runs differ slightly; set Workers "
            "to 1 for vectors that repeat exactly.")
