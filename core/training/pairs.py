"""Training pairs: from a pairs file, from a label column, or from a grouping column; and the held-out split.

Every pair carries a group: texts of one group are positives of each other and are never mined as
each other's negatives. Pairs from a file are grouped by linking each anchor with its positive (texts
joined through any chain of pairs form one group). Pairs from a file may also carry a score per pair:
labels 0 or 1, or scores on any range (such as STS's 0-5) scaled to 0-1.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import DataError
from core.hashing import hash_texts

MIN_PAIRS = 4


@dataclass
class PairSet:
    """Anchor/positive pairs, the group of each pair, given negatives (or None), and how they were built."""

    anchors: list[str]
    positives: list[str]
    groups: np.ndarray  # one group id per pair
    negatives: list[str | None] = field(default_factory=list)
    source: str = ""
    split_by_group: bool = True  # hold out whole groups (no text of a held-out group is trained on)
    scores: np.ndarray | None = None  # one score in 0..1 per pair (a label 0 or 1, or a scaled score), or None

    def __post_init__(self) -> None:
        if not self.negatives:
            self.negatives = [None] * len(self.anchors)
        self.groups = np.asarray(self.groups)
        if self.scores is not None:
            self.scores = np.asarray(self.scores, dtype=float)

    def __len__(self) -> int:
        return len(self.anchors)

    def take(self, rows: np.ndarray) -> PairSet:
        """The pairs at `rows`, in that order."""
        rows = np.asarray(rows, dtype=int)
        pick = lambda items: [items[i] for i in rows]  # noqa: E731
        return PairSet(pick(self.anchors), pick(self.positives), self.groups[rows], pick(self.negatives),
                       self.source, self.split_by_group, None if self.scores is None else self.scores[rows])

    def texts(self) -> list[str]:
        """Every distinct text of the pairs (anchors, positives, given negatives), in first-seen order."""
        given = [n for n in self.negatives if n]
        return list(dict.fromkeys([*self.anchors, *self.positives, *given]))

    def text_groups(self) -> dict[str, set]:
        """Each anchor or positive text -> the groups it belongs to."""
        out: dict[str, set] = {}
        for text, group in [*zip(self.anchors, self.groups), *zip(self.positives, self.groups)]:
            out.setdefault(text, set()).add(group)
        return out

    def data_hash(self) -> str:
        """A content hash of the pairs (for the model card)."""
        rows = [f"{a}\x1f{p}\x1f{n or ''}" for a, p, n in zip(self.anchors, self.positives, self.negatives)]
        if self.scores is not None:
            rows = [f"{row}\x1f{score!r}" for row, score in zip(rows, self.scores.tolist())]
        return hash_texts(["\x1e".join(rows)])[0]

    def frame(self) -> pd.DataFrame:
        if self.scores is not None:
            return pd.DataFrame({"sentence1": self.anchors, "sentence2": self.positives, "score": self.scores,
                                 "group": self.groups})
        return pd.DataFrame({"anchor": self.anchors, "positive": self.positives, "negative": self.negatives,
                             "group": self.groups})


def _checked(pairs: PairSet) -> PairSet:
    if len(pairs) < MIN_PAIRS:
        raise DataError(f"Fine-tuning needs at least {MIN_PAIRS} pairs; {pairs.source} gives {len(pairs)}.")
    return pairs


def _column(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    if name not in frame.columns:
        raise DataError(f"The {what} column '{name}' is not in the data. Columns: "
                        f"{', '.join(map(str, frame.columns))}.")
    return frame[name]


def _clean(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().fillna("")


def _linked_groups(anchors: Sequence[str], positives: Sequence[str]) -> np.ndarray:
    """A group per pair: texts joined through any chain of pairs share one (union-find)."""
    parent: dict[str, str] = {}

    def root(text: str) -> str:
        parent.setdefault(text, text)
        while parent[text] != text:
            parent[text] = parent[parent[text]]
            text = parent[text]
        return text

    for a, p in zip(anchors, positives):
        parent[root(a)] = root(p)
    roots = [root(a) for a in anchors]
    return np.unique(roots, return_inverse=True)[1]


def pairs_from_columns(frame: pd.DataFrame, anchor: str, positive: str, negative: str | None = None) -> PairSet:
    """One pair per row with a non-empty anchor and positive (and the row's negative, when a column is given)."""
    a, p = _clean(_column(frame, anchor, "anchor")), _clean(_column(frame, positive, "positive"))
    n = _clean(_column(frame, negative, "negative")) if negative else pd.Series([""] * len(frame), dtype="string")
    keep = ((a != "") & (p != "") & (a != p)).to_numpy()
    anchors, positives = a[keep].tolist(), p[keep].tolist()
    negatives = [x or None for x in n[keep].tolist()]
    return _checked(PairSet(anchors, positives, _linked_groups(anchors, positives), negatives,
                            source=f"columns '{anchor}' and '{positive}'"))


def _scaled(values: pd.Series, name: str, *, labels: bool, needed_by: str) -> tuple[np.ndarray, str]:
    """The column's values as scores in 0..1 (labels kept, scores scaled by the column's range) and how."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & numbers.isna() & (values.astype("string").str.strip() != "")
    if bad.any():
        raise DataError(f"The column '{name}' must hold numbers; row {int(np.flatnonzero(bad)[0]) + 1} holds "
                        f"'{values[bad].iloc[0]}'.")
    kept = numbers.dropna().to_numpy(dtype=float)
    if labels and not np.isin(kept, (0.0, 1.0)).all():
        other = kept[~np.isin(kept, (0.0, 1.0))][0]
        raise DataError(f"{needed_by} trains on labels 0 or 1, but the column '{name}' holds {other:g}; for scores "
                        "on a range choose CoSENTLoss.")
    low, high = (float(kept.min()), float(kept.max())) if len(kept) else (0.0, 0.0)
    if high == low:
        raise DataError(f"Every pair in the column '{name}' has the same score ({low:g}); {needed_by} learns from "
                        "pairs scored differently.")
    if labels:
        return numbers.to_numpy(dtype=float), f"labels 0/1 in the column '{name}'"
    return ((numbers - low) / (high - low)).to_numpy(dtype=float), (
        f"scores {low:g} to {high:g} in the column '{name}', scaled to 0-1 as (score - {low:g}) / {high - low:g}")


def scored_pairs_from_columns(frame: pd.DataFrame, first: str, second: str, score: str, *, labels: bool,
                              needed_by: str) -> PairSet:
    """One scored pair per row with two non-empty texts and a score: labels 0 or 1 as they are (`labels`), or
    scores on any range scaled to 0-1. `needed_by` (the loss) names what a missing column is for."""
    if score not in frame.columns:
        raise DataError(f"{needed_by} trains on the {'labels' if labels else 'scores'} of the column '{score}', "
                        f"which is not in the file (its columns: {', '.join(map(str, frame.columns))}).")
    a, p = _clean(_column(frame, first, "first text")), _clean(_column(frame, second, "second text"))
    scores, note = _scaled(frame[score], score, labels=labels, needed_by=needed_by)
    keep = ((a != "") & (p != "") & (a != p)).to_numpy() & ~np.isnan(scores)
    anchors, positives = a[keep].tolist(), p[keep].tolist()
    return _checked(PairSet(anchors, positives, _linked_groups(anchors, positives), source=(
        f"pairs in columns '{first}' and '{second}' with {note}"), scores=scores[keep]))


def pairs_from_groups(texts: Sequence[str], groups: Sequence, *, name: str = "group") -> PairSet:
    """Consecutive texts of one group (in their order in the data): (1st, 2nd), (2nd, 3rd), ..."""
    frame = pd.DataFrame({"text": list(texts), "group": list(groups)})
    frame = frame[frame["group"].notna() & (frame["text"].str.strip() != "")]
    anchors, positives, ids = [], [], []
    for gid, (_, part) in enumerate(frame.groupby("group", sort=False)):
        items = part["text"].tolist()
        anchors += items[:-1]
        positives += items[1:]
        ids += [gid] * (len(items) - 1)
    return _checked(PairSet(anchors, positives, np.asarray(ids), source=f"consecutive texts of one '{name}'"))


def pairs_from_labels(texts: Sequence[str], labels: Sequence, *, seed: int = 42, name: str = "label") -> PairSet:
    """Each text with another text of the same label, drawn at random (seeded); labels of one text are skipped."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"text": list(texts), "label": list(labels)})
    frame = frame[frame["label"].notna() & (frame["text"].str.strip() != "")]
    anchors, positives, ids = [], [], []
    for gid, (_, part) in enumerate(frame.groupby("label", sort=False)):
        items = part["text"].tolist()
        if len(items) < 2:
            continue
        partner = (np.arange(len(items)) + rng.integers(1, len(items), len(items))) % len(items)
        anchors += items
        positives += [items[j] for j in partner]
        ids += [gid] * len(items)
    pairs = PairSet(anchors, positives, np.asarray(ids), source=f"texts sharing a '{name}'", split_by_group=False)
    return _checked(pairs)


def split(pairs: PairSet, share: float, *, seed: int = 42) -> tuple[PairSet, PairSet]:
    """(training, held-out): about `share` of the pairs held out, by whole groups when the pairs say so."""
    rng = np.random.default_rng(seed)
    units = pairs.groups if pairs.split_by_group else np.arange(len(pairs))
    distinct = np.unique(units)
    if len(distinct) < 2:
        units, distinct = np.arange(len(pairs)), np.arange(len(pairs))
    order = rng.permutation(distinct)
    n_out = int(np.clip(round(share * len(distinct)), 1, len(distinct) - 1))
    held = np.isin(units, order[:n_out])
    return pairs.take(np.flatnonzero(~held)), pairs.take(np.flatnonzero(held))


def sample(pairs: PairSet, n: int, *, seed: int = 42) -> PairSet:
    """At most `n` pairs drawn at random (seeded), in their original order."""
    if n >= len(pairs):
        return pairs
    rows = np.sort(np.random.default_rng(seed).choice(len(pairs), n, replace=False))
    return pairs.take(rows)
