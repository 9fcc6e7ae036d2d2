"""Search: the Chroma store (client, collection metadata, ingest, reading, results), its records, exact search and query parsing."""
