"""Typed queries for the lab: one per line, each embedded with the data's model as Search embeds a query."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial

import numpy as np

from core.embedding.models import Embedder, create_embedder
from core.errors import UserError
from core.search.queries import PRECOMPUTED, embed_query

NO_MODEL = ("These vectors came with the data, not from a model, so a typed query cannot be embedded the same way; "
            "leave the typed queries out to ask held-out rows of the data.")


def query_lines(text: str) -> list[str]:
    """The non-blank lines of a text, stripped: one query each."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def embed_typed(lines: Sequence[str], model_key: str, corpus: Sequence[str], *,
                get_embedder: Callable[[], Embedder] | None = None) -> np.ndarray:
    """One unit-length vector a query, embedded with `model_key` (the model loaded once; models fitted on a corpus
    fitted on `corpus`, the data's texts); a UserError for vectors that came without a model."""
    if not model_key or model_key == PRECOMPUTED:
        raise UserError(NO_MODEL)
    get = get_embedder or cache(partial(create_embedder, model_key, corpus=list(corpus)))
    return np.stack([embed_query(line, model_key, corpus=corpus, get_embedder=get)[0] for line in lines])
