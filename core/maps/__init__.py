"""Maps of a space: projection, kNN graph, clusters and labels, faithfulness, comparison, axes, figures, exports and view state."""
