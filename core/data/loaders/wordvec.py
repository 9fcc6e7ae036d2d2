"""Load word vectors in GloVe text format or word2vec text format (with an 'N D' header)."""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from core.data.loaders.tables import MAX_ROWS, _too_many_rows
from core.data.loaders.text import decode_text
from core.data.loaders.vectors import _sort_exclusions, exclude_nonfinite
from core.data.table import Dataset, Exclusions
from core.errors import DataError

_WORD_SPLIT = re.compile(r"[ \t]+")


def load_word_vectors(data: bytes, *, name: str, limit: int | None = None) -> Dataset:
    """Load GloVe ("word v1 v2 …") or word2vec text ("N D" header line) word vectors."""
    lines = decode_text(data, name)[0].splitlines()
    dimension, skip = _word2vec_header(lines)
    entries = [(i + 1, line) for i, line in enumerate(lines) if line.strip()][skip:]
    if limit is not None:
        entries = entries[: max(limit, 0)]
    if len(entries) > MAX_ROWS:
        raise _too_many_rows(name)
    if dimension is None:
        dimension = _common_dimension([line for _, line in entries[:1000]])
    if dimension < 1:
        raise DataError(
            f"{name} does not look like word vectors. Each line must be a word followed by numbers "
            "separated by spaces (GloVe), optionally after a first line 'COUNT DIMENSION' (word2vec)."
        )
    excluded = Exclusions()
    words, parsed = [], []
    for row, (lineno, line) in enumerate(entries):
        word, vector, problem = _parse_word_line(line, dimension)
        words.append(word)
        parsed.append(vector)
        if problem:
            excluded.add(row, f"{problem} (line {lineno})")
    return _word_dataset(words, parsed, dimension, excluded, name)


def _word_dataset(
    words: list[str], parsed: list[np.ndarray | None], dimension: int, excluded: Exclusions, name: str
) -> Dataset:
    """Assemble the word-vector Dataset from parsed lines (None marks lines already excluded)."""
    good_rows = [i for i, v in enumerate(parsed) if v is not None]
    if good_rows:
        matrix = np.vstack([v for v in parsed if v is not None]).astype(np.float32)
    else:
        matrix = np.empty((0, dimension), np.float32)
    finite = exclude_nonfinite(matrix, excluded, good_rows)
    _sort_exclusions(excluded)
    keep_rows = [row for row, ok in zip(good_rows, finite) if ok]
    if not keep_rows:
        raise DataError(
            f"{name} has no usable word vectors. {excluded.summary()} "
            "Each line must be a word followed by numbers separated by spaces."
        )
    frame = pd.DataFrame({"word": pd.Series([words[i] for i in keep_rows], dtype=object)})
    return Dataset(name=name, frame=frame, text_column="word", vectors=matrix[finite], excluded=excluded,
                   source_rows=np.asarray(keep_rows))


def _word2vec_header(lines: list[str]) -> tuple[int | None, int]:
    """(dimension, 1) when the first line is a word2vec 'N D' header, else (None, 0)."""
    first = lines[0].split() if lines else []
    if len(first) == 2 and all(tok.isdigit() for tok in first):
        return int(first[1]), 1
    return None, 0


def _common_dimension(lines: list[str]) -> int:
    """Most common number of values per line (tokens minus the word)."""
    counts = Counter(len(_WORD_SPLIT.split(line.strip())) - 1 for line in lines)
    return counts.most_common(1)[0][0] if counts else 0


def _parse_word_line(line: str, dimension: int) -> tuple[str, np.ndarray | None, str | None]:
    """Split a line into (word, vector, problem); a word may contain spaces (GloVe 840B)."""
    tokens = _WORD_SPLIT.split(line.strip())
    cut = len(tokens) - dimension
    if cut < 1 or (cut > 1 and any(_is_number(tok) for tok in tokens[1:cut])):
        return tokens[0], None, f"wrong number of values (got {len(tokens) - 1}, expected {dimension})"
    word = " ".join(tokens[:cut])
    try:
        return word, np.array([float(tok) for tok in tokens[cut:]], dtype=np.float64), None
    except ValueError:
        return word, None, "non-numeric value"


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
