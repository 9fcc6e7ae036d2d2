"""The Index lab page's pieces: its figures, its background run and its panels."""
