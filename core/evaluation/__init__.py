"""Evaluation: intrinsic (word pairs, Lee documents) and extrinsic (labels, retrieval) quality of a space."""
