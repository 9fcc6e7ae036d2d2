"""Audit page pieces: the audit seam, controls, panels, plots and the report."""
