"""Search: the Chroma store (client, collection metadata, ingest, reading, results), its records, exact search over rows held in memory, which of the two answers, and query parsing."""
