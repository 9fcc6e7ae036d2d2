"""Serving the app to others: who may change what on the server, the password, and the operator's published maps."""
