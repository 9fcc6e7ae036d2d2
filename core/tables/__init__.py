"""Tables: row embeddings of structured data through a fitted column transform."""
