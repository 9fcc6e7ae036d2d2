"""Data quality on embeddings: outliers, near-duplicates and drift, from vectors and a frame (every data kind)."""
