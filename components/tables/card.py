"""The table model's card on the Data page: which columns become features, why the others do not, missing
values."""
from __future__ import annotations

import streamlit as st

from components.memo import server_memos
from components.state import DataChoice
from core.data.table import Dataset
from core.errors import UserError
from core.tables.columns import ColumnPick
from core.tables.models import MODELS, pick_for


def table_model_card(raw: Dataset, choice: DataChoice) -> None:
    """The model's description and the columns it would use on `raw` with the choice's settings (memoised under the
    data choice)."""
    if choice.model not in MODELS:
        return
    st.caption(MODELS[choice.model].description)
    settings = choice.embed_options.get("settings")
    try:
        pick: ColumnPick = server_memos()["derived"].get_or_make(("table-pick", choice),
                                                                 lambda: pick_for(raw, settings))
    except UserError as err:
        st.error(str(err))
        return
    st.caption(pick.sentence())
    with st.expander("Columns used, and why the others are not"):
        st.dataframe(pick.table(), hide_index=True, width="stretch", key="ee_table_pick")
