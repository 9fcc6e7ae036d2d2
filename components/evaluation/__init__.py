"""Streamlit pieces of the Evaluate page."""
