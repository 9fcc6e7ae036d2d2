"""Search: the current dataset in a persistent Chroma store, searched by text, point or vector."""
import streamlit as st

from components import seam
from components.data.page_header import embedded_or_stop
from components.indexlab.links import index_caption
from components.maps.anisotropy import anisotropy_caption
from components.maps.controls import projection_form
from components.search import seam as store_seam
from components.search.map_method import search_map_params
from components.search.panels import (
    index_panel,
    metric_picker,
    query_panel,
    store_manager,
)
from components.state import active_choice
from core.errors import UserError
from core.maps.settings import METHOD_LABELS

choice = active_choice()
emb = embedded_or_stop("Search", choice, extra=lambda _: store_seam.vector_store().location)
anisotropy_caption(emb)
store = store_seam.vector_store()  # the client opened for the caption: one per process
metric = metric_picker()
target = store_seam.index_target(choice, emb, metric)
info = index_panel(store, target, emb)
index_caption(info)

if info is not None and info.count:
    with st.expander("Map settings", expanded=False):
        params, note = search_map_params(emb, projection_form())
    if note:
        st.caption(note)
    try:
        coords = seam.projection(emb, params)
    except UserError as err:
        st.error(str(err))
        st.stop()
    query_panel(store, info, choice, emb, coords, params, f"{METHOD_LABELS[params.method]} of "
                f"{seam.dataset_title(choice)}")

with st.expander("Store: collections, size on disk, delete"):
    store_manager(store)
