"""Errors whose message is written for the user, not the developer."""
from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `str(err)` says what was wrong and what to do."""


class DataError(UserError):
    """Input data that cannot be read or used as it is."""


class ModelLoadError(UserError):
    """A model that cannot be loaded on this machine right now."""


class Cancelled(UserError):
    """Work the user stopped; what was finished before the stop is kept."""
