"""Downloads of the current map: table (CSV, Parquet), standalone HTML, TensorFlow Projector files.

Files are built only when their button is clicked (Streamlit's deferred download data), so an
idle page never serialises 100,000 rows.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.downloads import csv_download
from components.seam import Embedded
from core.maps import export, thumbnails
from core.maps.clusters import ClusterResult
from core.maps.faithfulness import Faithfulness

PICTURES_NOTE = (f" With pictures: the HTML map shows each point's thumbnail on hover (embedded, up to "
                 f"{thumbnails.HTML_BUDGET_BYTES / 1e6:.0f} MB of them, so it still opens offline), and the Projector "
                 "zip adds sprite.png and the projector_config that names it.")


def share_panel(emb: Embedded, coords: np.ndarray, figure: Callable[[], go.Figure], *, clusters: ClusterResult | None,
                faith: Faithfulness | None) -> None:
    """Download buttons for every export (`figure` makes the map as the HTML file draws it), and a note on
    sharing the view's link."""
    ds = emb.dataset
    name = ds.name.rsplit(".", 1)[0] or "map"

    def table():
        return export.export_frame(ds.frame, coords, clusters=clusters, faith=faith)

    def projector():
        frame = table()
        meta = frame.drop(columns=[c for c in export.AXES if c in frame.columns])
        return export.projector_zip(ds.vectors, meta, ds.text_column, sprite=thumbnails.projector_sprite(ds),
                                    name=name)

    def html_map():
        fig = figure()
        return export.standalone_html(fig, title=ds.name, thumbnails=thumbnails.html_thumbnails(ds, fig)).encode()

    with st.expander("Share this map"):
        st.caption("The address bar holds this view (data, model, projection, colour, clusters, zoom): copy the link "
                   "to reopen it. Uploaded data lives only in your session, so share a file for those.")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            csv_download(table, f"{name}-map.csv", key="ee_dl_csv", label="Table (CSV)")
        c2.download_button("Table (Parquet)", lambda: export.to_parquet_bytes(table()),
                           file_name=f"{name}-map.parquet", mime="application/octet-stream", key="ee_dl_parquet",
                           on_click="ignore")
        c3.download_button("Map (offline HTML)", html_map, file_name=f"{name}-map.html", mime="text/html",
                           key="ee_dl_html", on_click="ignore")
        c4.download_button("TensorFlow Projector (zip)", projector, file_name=f"{name}-projector.zip",
                           mime="application/zip", key="ee_dl_projector", on_click="ignore")
        st.caption("The table has the coordinates, clusters, per-point faithfulness and every data column. The HTML "
                   "map is the view as drawn (plotly.js inlined, opens without internet). The Projector zip holds "
                   "vectors.tsv and metadata.tsv for projector.tensorflow.org. The CSV guards text cells that "
                   "a spreadsheet would run as formulas (a leading '); Parquet and the Projector files keep every "
                   "value exact." + (PICTURES_NOTE if thumbnails.has_pictures(ds) else ""))
