"""Words of the corpus that may have several senses: frequent words whose contexts disagree most.

Each candidate (a frequent word that is not a stop word) is embedded in a capped, seeded sample of
its occurrences; the words with the lowest self-similarity are suggested. Cached on disk by corpus
and model.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.contexts.analysis import cache_path
from core.contexts.occurrences import find_occurrences, sample_occurrences
from core.contexts.tokens import Progress, TokenEncoder, contextual_vectors
from core.disk_cache import load_or_compute
from core.vectors import mean_pairwise_cosine

MIN_COUNT = 5  # a word needs this many occurrences to be a candidate
CANDIDATES = 40  # the most frequent words tried
PER_WORD = 8  # occurrences embedded per candidate
N_SUGGESTIONS = 8
_WORD = re.compile(r"\b[^\W\d_]{3,}\b")


def candidate_words(texts: Sequence[str], *, min_count: int = MIN_COUNT, limit: int = CANDIDATES) -> list[str]:
    """The `limit` most frequent words (letters only, 3+ characters, no stop words) seen `min_count`+ times."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts = Counter(w for text in texts for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS)
    return [w for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_count][:limit]


def _score(encoder: TokenEncoder, texts: Sequence[str], words: list[str], per_word: int,
           progress: Progress | None) -> dict[str, np.ndarray]:
    occurrences = {w: sample_occurrences(find_occurrences(w, texts), per_word) for w in words}
    flat = [o for w in words for o in occurrences[w]]
    cv = contextual_vectors(encoder, texts, flat, progress=progress)
    position = {o: i for i, o in enumerate(cv.kept)}
    sims = [mean_pairwise_cosine(cv.vectors[[position[o] for o in occurrences[w] if o in position]]) for w in words]
    return {"word": np.asarray(words, dtype=str), "self_similarity": np.asarray(sims, dtype=np.float64)}


def ambiguity_table(encoder: TokenEncoder, texts: Sequence[str], *, model_id: str | None = None,
                    min_count: int = MIN_COUNT, per_word: int = PER_WORD, progress: Progress | None = None,
                    ) -> pd.DataFrame:
    """Candidate words with their self-similarity on a capped sample, lowest (most context-dependent) first."""
    words = candidate_words(texts, min_count=min_count)
    if not words:
        return pd.DataFrame({"word": [], "self_similarity": []})
    path = _path(texts, model_id, min_count, per_word) if model_id else None
    scored = load_or_compute(path, lambda: _score(encoder, texts, words, per_word, progress))
    table = pd.DataFrame({"word": scored["word"].astype(str), "self_similarity": scored["self_similarity"]})
    return table.dropna().sort_values(["self_similarity", "word"], kind="stable").reset_index(drop=True)


def _path(texts: Sequence[str], model_id: str, min_count: int, per_word: int) -> Path:
    # "centred": occurrences in texts longer than the model's window are read in a window centred on them
    return cache_path(f"ambiguity-centred-c{min_count}-p{per_word}-n{CANDIDATES}", texts, model_id, ".npz")


def is_cached(texts: Sequence[str], model_id: str, *, min_count: int = MIN_COUNT, per_word: int = PER_WORD) -> bool:
    """Whether the suggestions for these texts and model are on disk already."""
    return _path(texts, model_id, min_count, per_word).exists()


def suggest_words(table: pd.DataFrame, n: int = N_SUGGESTIONS) -> list[str]:
    """The `n` candidate words whose occurrences are least alike."""
    return table["word"].head(n).tolist()
