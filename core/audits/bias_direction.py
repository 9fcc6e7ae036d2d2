"""A bias direction from definitional pairs (Bolukbasi et al., NeurIPS 2016), projections onto it,
direct bias, the hard-debias neutralise step (as a preview), and semantic axes between two poles."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.audits.word_sources import WordSource
from core.audits.word_vectors import WordVectors
from core.errors import UserError
from core.vectors import neutralise, project_onto, unit_rows

PAIRS_FILE = Path(__file__).resolve().parent / "data" / "bolukbasi2016_definitional_pairs.json"
N_COMPONENTS = 10


def definitional_pairs() -> list[tuple[str, str]]:
    """Bolukbasi et al.'s ten definitional pairs, female word first (she-he, her-his, ...)."""
    doc = json.loads(PAIRS_FILE.read_text(encoding="utf-8"))
    return [(a, b) for a, b in doc["definitional_pairs"]]


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """One pair per line, written 'she, he', 'she - he' or 'she he'."""
    pairs = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        words = [w for w in re.split(r"[,\s]+|\s-\s", line.strip()) if w and w != "-"]
        if not words:
            continue
        if len(words) != 2:
            raise UserError(f"Line {line_no} ('{line.strip()}') should hold two words, such as 'she, he'.")
        pairs.append((words[0], words[1]))
    return pairs


@dataclass
class BiasDirection:
    """The first principal component of the centred pairs, oriented towards each pair's first word."""

    vector: np.ndarray
    explained_variance_ratio: np.ndarray
    pairs: list[tuple[str, str]]
    missing: list[str]

    @property
    def label(self) -> str:
        a, b = self.pairs[0]
        return f"{a} − {b} direction (PC1 of {len(self.pairs)} pairs)"

    def variance_table(self) -> pd.DataFrame:
        ratios = self.explained_variance_ratio
        return pd.DataFrame({"component": [f"PC{i + 1}" for i in range(len(ratios))],
                             "explained variance ratio": ratios})


def bias_direction(source: WordSource, pairs: Sequence[tuple[str, str]], *,
                   n_components: int = N_COMPONENTS) -> BiasDirection:
    """PCA over each pair's two words minus the pair's mean; pairs with a missing word are left out."""
    # 1. vectors for the pairs whose two words are both known
    flat = [w for pair in pairs for w in pair]
    elements = source.word_vectors(flat)
    known = {w: v for w, v in zip(elements.words, unit_rows(elements.vectors, np.float64))}
    used = [(a, b) for a, b in pairs if a in known and b in known]
    if len(used) < 1:
        raise UserError("None of the definitional pairs has both words in the vocabulary; give other pairs.")
    # 2. centre each pair on its mean: the rows are ±(a − b)/2
    halves = np.stack([known[a] - (known[a] + known[b]) / 2 for a, b in used]
                      + [known[b] - (known[a] + known[b]) / 2 for a, b in used])
    # 3. principal components (the rows already have zero mean), PC1 oriented towards the first words
    _, singular, components = np.linalg.svd(halves - halves.mean(axis=0), full_matrices=False)
    variance = singular ** 2
    ratios = variance / variance.sum() if variance.sum() > 0 else variance
    direction = components[0] * (1 if np.mean(halves[: len(used)] @ components[0]) >= 0 else -1)
    return BiasDirection(direction, ratios[:n_components], used, sorted(set(elements.missing)))


def projections(source: WordSource, words: Sequence[str], direction: BiasDirection) -> tuple[pd.DataFrame, list[str]]:
    """(word, projection) sorted from the second pole's side to the first's, and the missing words."""
    elements = source.word_vectors(words)
    frame = pd.DataFrame({"word": elements.words, "projection": project_onto(elements.vectors, direction.vector)})
    return frame.sort_values("projection", kind="stable").reset_index(drop=True), elements.missing


def direct_bias(source: WordSource, neutral_words: Sequence[str], direction: BiasDirection, *,
                c: float = 1.0) -> tuple[float, pd.DataFrame, list[str]]:
    """DirectBias_c = mean over neutral words of |cos(w, g)|^c, the per-word table and the missing words."""
    frame, missing = projections(source, neutral_words, direction)
    if frame.empty:
        raise UserError("None of the neutral words is in the vocabulary; give other words.")
    return float(np.mean(np.abs(frame["projection"].to_numpy()) ** c)), frame, missing


def neutralised_vocabulary(wv: WordVectors, direction: BiasDirection, keep: Sequence[str] = ()) -> WordVectors:
    """A copy of the vocabulary with every word but `keep` neutralised; `wv` itself is untouched."""
    keep_rows = [r for r in (wv.row(w) for w in keep) if r is not None]
    vectors = neutralise(wv.unit, direction.vector).astype(np.float32)
    vectors[keep_rows] = wv.unit[keep_rows]
    return wv.with_vectors(vectors, label=f"{wv.label}, neutralised along {direction.label}")


def pole_vector(source: WordSource, words: Sequence[str], role: str) -> tuple[np.ndarray, list[str]]:
    """The centroid of a pole's unit word vectors, and its missing words."""
    elements = source.word_vectors(words)
    if not elements.words:
        raise UserError(f"No word of the {role} pole ({', '.join(words) or 'empty'}) is in the vocabulary.")
    return unit_rows(elements.vectors, np.float64).mean(axis=0), elements.missing


@dataclass
class SemanticAxes:
    """Words placed by their cosine with two axes, each running from a negative to a positive pole."""

    frame: pd.DataFrame
    axes_cosine: float
    missing: list[str]


def semantic_axes(source: WordSource, words: Sequence[str], x_poles: tuple[Sequence[str], Sequence[str]],
                  y_poles: tuple[Sequence[str], Sequence[str]]) -> SemanticAxes:
    """x = cos(w, x+ − x−), y = cos(w, y+ − y−); poles may be several words (their centroid)."""
    poles = {}
    missing: list[str] = []
    for name, pole_words in (("x−", x_poles[0]), ("x+", x_poles[1]), ("y−", y_poles[0]), ("y+", y_poles[1])):
        poles[name], lost = pole_vector(source, pole_words, name)
        missing += lost
    x_axis, y_axis = poles["x+"] - poles["x−"], poles["y+"] - poles["y−"]
    elements = source.word_vectors(words)
    frame = pd.DataFrame({"word": elements.words, "x": project_onto(elements.vectors, x_axis),
                          "y": project_onto(elements.vectors, y_axis)})
    cosine = float(unit_rows(x_axis, np.float64) @ unit_rows(y_axis, np.float64))
    return SemanticAxes(frame, cosine, missing + elements.missing)
