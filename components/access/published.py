"""The operator's published maps (EE_PUBLISHED), as datasets the pages offer beside the built-in ones."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.access.policy import server_policy
from core.data.table import Dataset
from core.server.published import SOURCE, load_published, published_maps

PUBLISHED = SOURCE  # the data choice source of a published map


def published_names() -> list[str]:
    """The names of the maps published on this server (none when EE_PUBLISHED is not set)."""
    return list(published_maps(server_policy().published))


@st.cache_resource(show_spinner="Loading the published map…", max_entries=8)
def _published(folder: str, name: str, stamp: float) -> Dataset:
    return load_published(Path(folder), name)


def published_dataset(name: str) -> Dataset:
    """A published map as a dataset (read again after the operator replaces its file)."""
    folder = server_policy().published
    path = published_maps(folder).get(name)
    stamp = path.stat().st_mtime if path is not None else 0.0
    return _published(str(folder), name, stamp)
