"""The fine-tuned models on disk: listed, and deletable from the page once the visitor confirms what goes."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import seam
from components.access.policy import can_write, require_write
from components.state import active_choice, set_active_choice
from core.embedding.models import DEFAULT_MODEL
from core.errors import UserError
from core.training.store import LocalModel, delete_model, local_models

CONFIRM = "ee_ft_delete_confirm"


def models_panel() -> None:
    """A list of the fine-tuned models with a confirmed Delete; the picker on the Data page offers the same ones."""
    models = local_models()
    with st.expander(f"Your fine-tuned models ({len(models)})"):
        if not models:
            st.caption("None yet. Models fine-tuned on this page are kept with the app and listed here.")
            return
        by_key = {m.key: m for m in models}
        key = st.selectbox("Fine-tuned model", list(by_key), format_func=lambda k: by_key[k].title,
                           key="ee_ft_model_pick", on_change=lambda: st.session_state.pop(CONFIRM, None))
        st.caption(f"Folder {by_key[key].folder.name} among the app's fine-tuned models")
        if can_write():
            _delete_form(by_key[key])


def _megabytes(model: LocalModel) -> float:
    return sum(f.stat().st_size for f in model.folder.rglob("*") if f.is_file()) / 1e6


def _delete_form(model: LocalModel) -> None:
    """A box that names what goes (the model, its folder and size, for every visitor), then Delete."""
    sure = st.checkbox(f"Yes, delete “{model.title}”: its folder {model.folder.name} ({_megabytes(model):,.1f} MB) "
                       "goes for good, for every visitor of this server, with the maps and links that use it",
                       key=CONFIRM)
    if st.button("Delete this model", key="ee_ft_delete", disabled=not sure):
        try:
            require_write("delete models")
            delete_model(model.key, forget=_forget)
        except UserError as err:
            st.error(str(err))
            return
        st.session_state.pop(CONFIRM, None)
        st.rerun()


def _forget(key: str) -> None:
    """After a deletion: the loaded copy is dropped, and a data choice that used it goes back to the default."""
    seam.forget_models()
    if active_choice().model == key:
        set_active_choice(replace(active_choice(), model=DEFAULT_MODEL))
