"""Data in: the dataset table, the built-in datasets and the file loaders."""
