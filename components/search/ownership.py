"""Whose collections a visitor sees: a collection made from an upload belongs to the session that holds the upload."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from components.state import UPLOADS

UPLOAD_DATASET = "upload-"  # how an upload's collection names its data: by content id, never by file name
ID_CHARS = 12
_UPLOADED = re.compile(r"^upload-(?P<id>[0-9a-f]{8,64})$|^.+-(?P<old>[0-9a-f]{8})$")  # also the earlier file-name form


def upload_dataset(upload_id: str) -> str:
    """The dataset name an upload's collection carries (no file name in it)."""
    return f"{UPLOAD_DATASET}{upload_id[:ID_CHARS]}"


def upload_id_of(dataset: object) -> str | None:
    """The upload content id (prefix) a collection's dataset names, or None for a built-in or published dataset."""
    match = _UPLOADED.match(str(dataset or ""))
    return None if match is None else match.group("id") or match.group("old")


def visible(table: pd.DataFrame) -> pd.DataFrame:
    """The collections this session may see: all but those made from uploads it does not hold."""
    held = tuple(st.session_state.get(UPLOADS, {}))
    mine = [upload_id_of(d) is None or any(h.startswith(str(upload_id_of(d))) for h in held)
            for d in table["dataset"]]
    return table[mine].reset_index(drop=True)
