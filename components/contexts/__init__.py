"""Streamlit pieces of the word-in-context view."""
