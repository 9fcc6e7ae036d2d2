"""Index lab: what each distance metric, index and quantisation costs and keeps on the current vectors."""
import streamlit as st

from components.data.page_header import embedded_or_stop
from components.indexlab.panels import lab_section, metrics_panel, neighbours_panel
from components.state import active_choice

choice = active_choice()
emb = embedded_or_stop("Index lab", choice)
vectors = emb.dataset.require_vectors()
st.subheader("Distance metrics")
metrics_panel(vectors, emb.vectors_hash)
neighbours_panel(vectors, emb.dataset.texts)
st.subheader("Indexes and quantisation")
st.caption("Exact search (the ground truth), Chroma HNSW, FAISS IVF-Flat, IVF-PQ and HNSW, int8 and binary codes: "
           "each built on these vectors and asked the same queries: held-out rows of the data, or queries you type.")
lab_section(vectors, (choice, emb.vectors_hash), choice.model, emb.dataset.texts)
