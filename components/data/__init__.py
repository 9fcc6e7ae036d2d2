"""Data page pieces: the upload form."""
