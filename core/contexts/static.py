"""The static side: a word's single vector in a static model (GloVe, or one trained here) among its nearest words."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.audits.word_vectors import WordVectors, glove_word_vectors

GLOVE_VOCAB = 50_000  # neighbours come from GloVe's most frequent words
N_NEIGHBOURS = 12


@dataclass(frozen=True)
class StaticNeighbours:
    """The word's neighbours in a static space (nearest first) and a 2D PCA of the word (row 0) with them."""

    space: str  # the static model's name
    word: str
    neighbours: list[str]
    similarities: np.ndarray
    coords: np.ndarray


def static_neighbours(word: str, *, k: int = N_NEIGHBOURS, wv: WordVectors | None = None,
                      space: str = "GloVe") -> StaticNeighbours | None:
    """The word's nearest words in a static space (GloVe by default) by cosine and their 2D layout; None when the
    space lacks the word."""
    from sklearn.decomposition import PCA

    wv = wv if wv is not None else glove_word_vectors(GLOVE_VOCAB)
    row = wv.row(word.strip())
    if row is None or " " in word.strip():
        return None
    sims = wv.unit @ wv.unit[row]
    sims[row] = -np.inf
    top = np.argsort(-sims, kind="stable")[:k]
    points = wv.unit[np.concatenate([[row], top])]
    coords = PCA(n_components=2, random_state=0).fit_transform(points).astype(np.float32)
    return StaticNeighbours(space, wv.words[row], [wv.words[i] for i in top], sims[top].astype(np.float32), coords)
