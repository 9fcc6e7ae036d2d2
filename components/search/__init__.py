"""Search page pieces: the store seam, panels and the search map."""
