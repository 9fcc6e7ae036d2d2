"""The Quality page's panels: outliers, near-duplicates and drift on the map."""
