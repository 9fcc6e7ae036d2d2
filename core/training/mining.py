"""Hard negatives mined from the base model's vectors: the nearest texts that are not positives.

For each pair, the candidates are the texts of all pairs, nearest to the anchor first, within a rank
window (the `MAX_RANK` nearest). A candidate is never taken when it is in the pair's group (the anchor,
its positive and every text paired with them), when it is the same text as the anchor or the positive up
to case and spacing, when it is a near-duplicate of either (cosine >= `DUPLICATE`), or when it scores
within `margin` of the positive (sim(anchor, c) > sim(anchor, positive) - margin): such texts are more
likely unlabelled positives than negatives.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.training.pairs import PairSet
from core.vectors import unit_rows

MAX_RANK = 50
DUPLICATE = 0.95
CHUNK = 512
CONVENTIONS = (f"Hard negatives: per anchor, the nearest texts of the pairs by the base model's cosine, among its "
               f"{MAX_RANK} nearest, never a text of the pair's own group, never the anchor or the positive (up to "
               f"case and spacing) or a near-duplicate of either (cosine >= {DUPLICATE}), and only when it scores "
               "at least the margin below the positive.")


@dataclass
class Mined:
    """Per pair, the mined negative texts (up to k), nearest first."""

    negatives: list[list[str]]

    @property
    def count(self) -> int:
        return sum(len(n) for n in self.negatives)

    @property
    def anchors_with_negatives(self) -> int:
        return sum(bool(n) for n in self.negatives)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _excluded_by_group(pairs: PairSet, corpus: Sequence[str]) -> dict[object, np.ndarray]:
    """Group id -> the candidate rows that belong to it (positives of every pair of that group)."""
    row = {t: i for i, t in enumerate(corpus)}
    out: dict[object, list[int]] = {}
    for text, groups in pairs.text_groups().items():
        for g in groups:
            out.setdefault(g, []).append(row[text])
    return {g: np.asarray(rows, dtype=int) for g, rows in out.items()}


def mine_hard_negatives(pairs: PairSet, corpus: Sequence[str], vectors: np.ndarray, *, k: int,
                        margin: float = 0.05) -> Mined:
    """Up to `k` hard negatives per pair from `corpus` (every anchor and positive must be in it, `vectors` row-aligned)."""
    if k <= 0:
        return Mined([[] for _ in range(len(pairs))])
    corpus = list(corpus)
    unit = np.nan_to_num(unit_rows(np.asarray(vectors, dtype=np.float32), np.float32))
    row = {t: i for i, t in enumerate(corpus)}
    norms = np.asarray([_norm(t) for t in corpus], dtype=object)
    by_group = _excluded_by_group(pairs, corpus)
    a_rows = np.asarray([row[a] for a in pairs.anchors], dtype=int)
    p_rows = np.asarray([row[p] for p in pairs.positives], dtype=int)
    out: list[list[str]] = []
    for start in range(0, len(pairs), CHUNK):
        stop = min(start + CHUNK, len(pairs))
        sims_a = unit[a_rows[start:stop]] @ unit.T
        sims_p = unit[p_rows[start:stop]] @ unit.T
        for j, i in enumerate(range(start, stop)):
            out.append(_pick(sims_a[j], sims_p[j], i, pairs, by_group, norms, a_rows, p_rows, corpus, k, margin))
    return Mined(out)


def _pick(sim_a: np.ndarray, sim_p: np.ndarray, i: int, pairs: PairSet, by_group: dict, norms: np.ndarray,
          a_rows: np.ndarray, p_rows: np.ndarray, corpus: list[str], k: int, margin: float) -> list[str]:
    """The negatives of pair i: the nearest allowed candidates within the rank window."""
    allowed = sim_a <= sim_a[p_rows[i]] - margin
    allowed &= (sim_a < DUPLICATE) & (sim_p < DUPLICATE)
    allowed[by_group.get(pairs.groups[i], np.empty(0, dtype=int))] = False
    allowed[a_rows[i]] = allowed[p_rows[i]] = False
    window = np.argsort(-sim_a, kind="stable")[:MAX_RANK]
    same = {norms[a_rows[i]], norms[p_rows[i]]}
    return [corpus[c] for c in window if allowed[c] and norms[c] not in same][:k]
