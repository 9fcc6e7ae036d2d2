"""Where a word occurs in a list of texts: whole word, case-insensitive, with character offsets."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import UserError

MAX_OCCURRENCES = 400  # occurrences embedded per word; beyond this a seeded sample is kept
SNIPPET_CHARS = 90  # characters shown on each side of an occurrence in long texts
MAX_WORD_CHARS = 60


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: the text it is in (by row number) and its character span there."""

    row: int
    start: int
    end: int


def word_pattern(word: str) -> re.Pattern:
    """A case-insensitive pattern for `word` as a whole word (not inside a longer word)."""
    body = r"\s+".join(re.escape(part) for part in clean_word(word).split())  # any spacing inside a phrase
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def clean_word(word: str) -> str:
    """The word as typed, trimmed; an empty or overlong word is refused with a reason."""
    word = " ".join(str(word).split())
    if not word:
        raise UserError("Type a word to look for.")
    if len(word) > MAX_WORD_CHARS:
        raise UserError(f"Type one word or a short phrase (at most {MAX_WORD_CHARS} characters).")
    return word


def find_occurrences(word: str, texts: Sequence[str]) -> list[Occurrence]:
    """Every whole-word, case-insensitive occurrence of `word` in `texts`, in text order."""
    pattern = word_pattern(word)
    return [Occurrence(row, m.start(), m.end()) for row, text in enumerate(texts) for m in pattern.finditer(text)]


def require_occurrences(word: str, texts: Sequence[str]) -> list[Occurrence]:
    """The occurrences of `word`, or an error saying it does not occur."""
    found = find_occurrences(word, texts)
    if not found:
        raise UserError(f"'{clean_word(word)}' does not occur in these texts (whole word, any case).")
    return found


def sample_occurrences(found: list[Occurrence], limit: int = MAX_OCCURRENCES, seed: int = 0) -> list[Occurrence]:
    """At most `limit` occurrences: all of them, or a seeded random sample kept in text order."""
    if len(found) <= limit:
        return list(found)
    keep = np.sort(np.random.default_rng(seed).choice(len(found), size=limit, replace=False))
    return [found[i] for i in keep]


def snippet(text: str, occ: Occurrence, chars: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """(before, the word as written, after): the occurrence with up to `chars` characters each side."""
    lo, hi = max(0, occ.start - chars), min(len(text), occ.end + chars)
    before = ("…" if lo > 0 else "") + text[lo:occ.start]
    after = text[occ.end:hi] + ("…" if hi < len(text) else "")
    return before, text[occ.start:occ.end], after


def context_line(text: str, occ: Occurrence, chars: int = SNIPPET_CHARS) -> str:
    """The occurrence in its context as one plain line, the word in [brackets]."""
    before, word, after = snippet(text, occ, chars)
    return " ".join(f"{before}[{word}]{after}".split())


def split_sentences(typed: str) -> list[str]:
    """The non-empty lines of what the user typed, one sentence each."""
    return [line.strip() for line in str(typed).splitlines() if line.strip()]
