"""Streamlit pieces for graph data: upload, model settings, edges on the map, faithfulness, link prediction."""
