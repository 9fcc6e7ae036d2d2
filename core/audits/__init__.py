"""Audits of a space: WEAT and its word sets, analogies, the bias direction and the report."""
