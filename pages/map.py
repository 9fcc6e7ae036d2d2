"""Map: the current dataset projected to 2D or 3D, with clusters, faithfulness and exports.

Settings and notices share one row above the map, and the anisotropy sentence goes under it, so most of the
map shows without scrolling.
"""
import streamlit as st

from components import seam
from components.chart_code import clear_chart_code
from components.data.page_header import embedded_or_stop
from components.graphs.map_layer import graph_faith_panel
from components.maps.anisotropy import anisotropy_caption
from components.maps.cluster_panel import cluster_form, cluster_table
from components.maps.controls import projection_form
from components.maps.faith_panel import faith_panel
from components.maps.map_panel import NONE, map_panel
from components.maps.progressive import (
    CLUSTERS_OPEN,
    FAITH_OPEN,
    extras_panel,
    map_extras,
    map_state,
    opened_expander,
    pending_panel,
)
from components.maps.stable_panel import add_rows_panel, grown_note, refit_panel, shown_map
from components.maps.view_link import apply_link, sync_link, take_notice
from core.errors import UserError
from core.maps.projection import MAX_FIT
from core.maps.settings import METHOD_LABELS

choice = apply_link()
emb = embedded_or_stop("Map", choice, notice=take_notice(),
                       extra=lambda emb: f"{emb.dataset.vectors.shape[1]} dimensions")
settings, notices = st.columns([3, 2])
with settings:
    with st.expander("Projection settings", expanded=False):
        params = projection_form()
    with st.expander("Cluster settings", expanded=False):
        spec = cluster_form()
with notices:
    if emb.note:
        st.caption(emb.note)
    if len(emb.dataset.excluded):
        st.warning(f"{emb.dataset.excluded.summary()} See the Data page for which rows.")
data, growth = shown_map(emb, choice, params)  # grown data: its new rows placed on the old map
try:
    state = map_state(data, params)
    coords = state.coords
    extras = map_extras(data, state, spec)
    clusters, faith = extras.clusters, extras.faith
except UserError as err:
    st.error(str(err))
    st.stop()

with notices:
    if state.preview:
        pending_panel(data, params, state)
    elif extras.job is not None or extras.skipped:
        extras_panel(data, state, spec, extras)
    if growth is not None:
        refit_panel(data, growth, choice, params)
    if params.method == "umap" and not state.preview and len(coords) > MAX_FIT:
        st.caption(f"UMAP was fitted on a random sample of {MAX_FIT:,} points; the other "
                   f"{len(coords) - MAX_FIT:,} were placed on that map with UMAP's transform.")
color = st.session_state.get("ee_w_color")
sync_link(choice, params, spec, None if color in (None, NONE) else color)
shown = METHOD_LABELS[state.params.method] + (" (quick preview)" if state.preview else "")
clear_chart_code()  # the map is the page's first chart
map_panel(emb, coords, f"{shown} of {seam.dataset_title(choice)}{grown_note(data, growth)}", state.params,
          clusters=clusters, faith=faith)
anisotropy_caption(emb)
if clusters is not None and (box := opened_expander(f"Clusters: {clusters.n_clusters} found", CLUSTERS_OPEN)):
    with box:
        cluster_table(clusters)
if faith is not None and (box := opened_expander("How far can this map be trusted?", FAITH_OPEN)):
    with box:
        faith_panel(faith)
graph_faith_panel(emb)
add_rows_panel(emb, choice, data, state, growth)
