"""2D coordinates for drawing an analogy: its words, the answers and their neighbours, by PCA."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.audits.analogy import Analogy, top_k
from core.audits.word_vectors import WordVectors

N_NEIGHBOURS = 5


@dataclass
class AnalogyLayout:
    """Points (word, x, y, role) and the share of their variance the two axes keep."""

    frame: pd.DataFrame
    explained: float


def nearest_words(wv: WordVectors, row: int, n: int) -> list[int]:
    """Rows of the n words closest in cosine to `row`, itself excluded."""
    scores = wv.unit @ wv.unit[row]
    scores[row] = -np.inf
    return [int(i) for i in top_k(scores[None, :], n)[0]]


def _roles(wv: WordVectors, question: Analogy, answers: Sequence[str]) -> dict[int, str]:
    roles = {wv.require(question.a): "a", wv.require(question.b): "b", wv.require(question.c): "c"}
    for answer in answers:
        roles.setdefault(wv.require(answer), "answer")
    return roles


def analogy_layout(wv: WordVectors, question: Analogy, answers: Sequence[str], *,
                   n_neighbours: int = N_NEIGHBOURS) -> AnalogyLayout:
    """PCA of the unit vectors of a, b, c, the answers and each one's nearest neighbours."""
    # 1. the words to draw, each with its role
    roles = _roles(wv, question, answers)
    for row in list(roles):
        for neighbour in nearest_words(wv, row, n_neighbours):
            roles.setdefault(neighbour, "neighbour")
    rows = np.asarray(list(roles))
    # 2. a 2D PCA fitted on those words only (linear, so c + (b − a) maps to c' + (b' − a'))
    points = wv.unit[rows].astype(np.float64)
    centred = points - points.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ components[:2].T
    frame = pd.DataFrame({"word": [wv.words[r] for r in rows], "x": coords[:, 0], "y": coords[:, 1],
                          "role": list(roles.values())})
    explained = float((singular[:2] ** 2).sum() / (singular ** 2).sum())
    return AnalogyLayout(frame, explained)
