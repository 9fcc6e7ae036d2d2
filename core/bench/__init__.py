"""Timing benchmarks against the plain-library baselines (`python -m core bench`)."""
