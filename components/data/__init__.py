"""Data pieces: the upload form, and the header of the pages that show the chosen data."""
