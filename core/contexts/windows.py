"""The part of a long text a model sees around one occurrence: whole words, centred on it, within its window.

A sentence model reads at most a fixed number of tokens. A text that fits is read whole; in a longer
one, each occurrence is read inside a window of that many tokens centred on it, cut only where a
space separates two words, so the model tokenizes the window as it does the full text.
"""
from __future__ import annotations

from dataclasses import dataclass

Offsets = list[tuple[int, int]]


@dataclass(frozen=True)
class Window:
    """A character span [start, end) of one text (by row number)."""

    row: int
    start: int
    end: int


def _starts_word(spans: Offsets, i: int) -> bool:
    return i == 0 or spans[i][0] > spans[i - 1][1]


def _ends_word(spans: Offsets, i: int) -> bool:
    return i == len(spans) - 1 or spans[i + 1][0] > spans[i][1]


def token_window(n_tokens: int, first: int, last: int, budget: int) -> tuple[int, int] | None:
    """Token rows [lo, hi) of at most `budget` tokens, centred on rows first..last; None when they are more."""
    width = last - first + 1
    if width > budget:
        return None
    lo = max(0, first - (budget - width) // 2)
    hi = min(n_tokens, lo + budget)
    return max(0, hi - budget), hi


def centred_span(spans: Offsets, first: int, last: int, budget: int) -> tuple[int, int] | None:
    """Characters [start, end) of whole words, at most `budget` tokens, around token rows first..last.

    `spans` are all the text's token character spans (no special tokens). None when the occurrence
    alone is longer than the budget.
    """
    rows = token_window(len(spans), first, last, budget)
    if rows is None:
        return None
    lo, hi = rows[0], rows[1] - 1
    lo = next((i for i in range(lo, first + 1) if _starts_word(spans, i)), lo)
    hi = next((i for i in range(hi, last - 1, -1) if _ends_word(spans, i)), hi)
    return spans[lo][0], spans[hi][1]
