"""CSV download buttons: text cells guarded against spreadsheet formulas, with a checkbox beside each for raw values."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.data.csv_safety import to_csv_bytes

RAW_LABEL = "Raw CSV (no formula guard)"
RAW_HELP = ("Off (default): text cells that start with =, +, -, @, a tab or a carriage return get a leading ' so "
            "Excel or LibreOffice shows them as text instead of running them as formulas. On: every value exactly "
            "as it is, for scripts and pipelines.")


def raw_key(key: str) -> str:
    """The key of the raw-CSV checkbox beside the download button `key`."""
    return f"{key}_raw"


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, *, key: str,
                 label: str = "Download CSV") -> None:
    """A CSV download button; a callable `frame` is only built when the button is clicked."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        slot = st.empty()
        raw = st.checkbox(RAW_LABEL, key=raw_key(key), help=RAW_HELP)
    data = (lambda: to_csv_bytes(frame(), raw=raw)) if callable(frame) else to_csv_bytes(frame, raw=raw)
    slot.download_button(label, data, file_name=file_name, mime="text/csv", key=key,
                         icon=":material/download:", on_click="ignore")
