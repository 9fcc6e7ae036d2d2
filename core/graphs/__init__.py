"""Graphs: safe loading of networks, node embeddings (random walks, spectral), graph evaluation."""
