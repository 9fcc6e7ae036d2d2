"""The fine-tuned models on disk: listed, and deletable from the page."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import seam
from components.state import active_choice, set_active_choice
from core.embedding.models import DEFAULT_MODEL
from core.errors import UserError
from core.training.store import delete_model, local_models


def models_panel() -> None:
    """A list of the fine-tuned models with a Delete button; the picker on the Data page offers the same ones."""
    models = local_models()
    with st.expander(f"Your fine-tuned models ({len(models)})"):
        if not models:
            st.caption("None yet. Models fine-tuned on this page are kept with the app and listed here.")
            return
        keys = [m.key for m in models]
        titles = {m.key: m.title for m in models}
        folders = {m.key: m.folder.name for m in models}
        key = st.selectbox("Fine-tuned model", keys, format_func=titles.get, key="ee_ft_model_pick")
        st.caption(f"Folder {folders[key]} among the app's fine-tuned models")
        if st.button("Delete this model", key="ee_ft_delete"):
            try:
                delete_model(key, forget=_forget)
            except UserError as err:
                st.error(str(err))
                return
            st.rerun()


def _forget(key: str) -> None:
    """After a deletion: the loaded copy is dropped, and a data choice that used it goes back to the default."""
    seam.forget_models()
    if active_choice().model == key:
        set_active_choice(replace(active_choice(), model=DEFAULT_MODEL))
