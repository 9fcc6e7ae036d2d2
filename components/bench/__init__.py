"""Benchmark children that need Streamlit."""
