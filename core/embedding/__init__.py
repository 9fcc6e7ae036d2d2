"""Vectors from texts: the model registry, encoding and the on-disk vector cache."""
