"""Streamlit pieces for table data: the table model's card and why two rows are close."""
