"""Custom axes, as in the Embedding Projector's Custom tab: x = sim(A) - sim(B), y = sim(C) - sim(D).

A pole is written as text:
- a word or phrase: embedded with the current model (or, for data with its own vectors, the
  mean vector of the rows whose text is exactly that phrase);
- `/regex/`: the mean vector of the rows whose text matches;
- `@selection`: the mean vector of the points selected on the Map page.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import DataError
from core.vectors import unit_rows

SELECTION = "@selection"
Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Pole:
    """A resolved pole: its vector and a sentence saying where it came from."""

    spec: str
    vector: np.ndarray
    source: str


def _unit(X: np.ndarray) -> np.ndarray:
    """Unit rows, float32, of one vector or many."""
    return unit_rows(np.atleast_2d(np.asarray(X, dtype=np.float32)))


def _mean_of(rows: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    return _unit(vectors[rows]).mean(axis=0)


def _regex_pole(spec: str, texts: Sequence[str], vectors: np.ndarray) -> Pole:
    pattern = spec[1:-1]
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        raise DataError(f"The pattern /{pattern}/ is not a valid regular expression ({err}).") from None
    rows = np.flatnonzero([bool(regex.search(str(t))) for t in texts])
    if not len(rows):
        raise DataError(f"No row's text matches /{pattern}/. Try a broader pattern.")
    return Pole(spec, _mean_of(rows, vectors), f"mean of {len(rows):,} rows matching /{pattern}/")


def _phrase_pole(spec: str, texts: Sequence[str], vectors: np.ndarray, embed: Embed | None) -> Pole:
    if embed is not None:
        vector = np.asarray(embed([spec]), dtype=np.float32)[0]
        if not np.isfinite(vector).all() or not np.any(vector):
            raise DataError(f"The model has no vector for '{spec}' (no known word). Try another word.")
        return Pole(spec, _unit(vector)[0], f"'{spec}' embedded with the current model")
    wanted = spec.strip().lower()
    rows = np.flatnonzero([str(t).strip().lower() == wanted for t in texts])
    if not len(rows):
        raise DataError(f"'{spec}' is not a row of this data, and the data's own vectors cannot embed new text. "
                        "Use a word from the data, /regex/ or @selection.")
    return Pole(spec, _mean_of(rows, vectors), f"the vector of the row '{spec}'")


def resolve_pole(spec: str, *, texts: Sequence[str], vectors: np.ndarray, embed: Embed | None = None,
                 selection: Sequence[int] = ()) -> Pole:
    """The vector a pole stands for (see the module docstring for the three ways to write one)."""
    spec = (spec or "").strip()
    if not spec:
        raise DataError("A pole is empty. Write a word or phrase, /regex/ or @selection.")
    if spec == SELECTION:
        if not len(selection):
            raise DataError("@selection needs points selected on the Map page (lasso or box) first.")
        return Pole(spec, _mean_of(np.asarray(selection), vectors), f"mean of the {len(selection):,} selected points")
    if len(spec) > 2 and spec.startswith("/") and spec.endswith("/"):
        return _regex_pole(spec, texts, vectors)
    return _phrase_pole(spec, texts, vectors, embed)


def axis_values(vectors: np.ndarray, pole_a: Pole, pole_b: Pole | None = None) -> np.ndarray:
    """cos(v, A) - cos(v, B) for every row (just cos(v, A) without B)."""
    unit = _unit(vectors)
    values = unit @ _unit(pole_a.vector)[0]
    if pole_b is not None:
        values = values - unit @ _unit(pole_b.vector)[0]
    return values.astype(np.float32)


def axis_title(pole_a: Pole, pole_b: Pole | None) -> str:
    return f"sim({pole_a.spec}) - sim({pole_b.spec})" if pole_b is not None else f"sim({pole_a.spec})"


def custom_axes(vectors: np.ndarray, x: tuple[Pole, Pole | None], y: tuple[Pole, Pole | None]) -> np.ndarray:
    """N x 2 coordinates on the two custom axes."""
    return np.column_stack([axis_values(vectors, *x), axis_values(vectors, *y)])
