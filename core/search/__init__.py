"""Search: the Chroma store, its records, exact search and query parsing."""
