"""The tables models (see core.embedding.kinds for the contract)."""
from __future__ import annotations

from core.embedding.kinds import KindModel

MODELS: dict[str, KindModel] = {}
DEFAULT_MODEL = ""


def embed(dataset, model_key: str, **kwargs):
    """The dataset with vectors from `model_key`."""
    raise NotImplementedError
