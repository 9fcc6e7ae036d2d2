"""A word across its contexts: occurrences, contextual vectors, senses, map and self-similarity.

Self-similarity (Ethayarajh 2019, "How Contextual are Contextualized Word Representations?") is the
mean cosine between a word's vectors in different contexts. Contextual spaces are anisotropic: any
two token vectors are already similar, so the figure is also given minus that baseline, the mean
cosine between random token vectors of the same model on the same texts.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.contexts.occurrences import (
    MAX_OCCURRENCES,
    Occurrence,
    clean_word,
    context_line,
    require_occurrences,
    sample_occurrences,
)
from core.contexts.senses import Senses, find_senses, layout_2d, map_note, senses_note
from core.contexts.tokens import (
    ContextVectors,
    Progress,
    TokenEncoder,
    contextual_vectors,
    random_token_vectors,
    word_alone,
)
from core.disk_cache import load_or_compute
from core.errors import UserError
from core.hashing import hash_texts
from core.paths import data_dir
from core.vectors import anisotropy, mean_pairwise_cosine

BASELINE_TEXTS = 100
CITATION = ("Ethayarajh, K. (2019). How Contextual are Contextualized Word Representations? Comparing the "
            "Geometry of BERT, ELMo, and GPT-2 Embeddings. EMNLP-IJCNLP 2019.")


def corpus_key(texts: Sequence[str], model_id: str) -> str:
    """A hash of the texts and the model: the disk-cache key of everything computed from both."""
    return hash_texts(["\x1e".join(texts)], salt=model_id)[0]


def cache_path(kind: str, texts: Sequence[str], model_id: str, suffix: str = ".npy") -> Path:
    """Where a per-corpus, per-model result is kept on disk."""
    folder = data_dir() / "contexts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{kind}-{corpus_key(texts, model_id)}{suffix}"


def anisotropy_baseline(encoder: TokenEncoder, texts: Sequence[str], *, model_id: str | None = None,
                        seed: int = 0) -> float:
    """Mean cosine between random token vectors of the model, from a seeded sample of the texts (disk-cached)."""
    path = cache_path(f"baseline-s{seed}", texts, model_id) if model_id else None
    value = load_or_compute(path, lambda: np.asarray(
        [anisotropy(random_token_vectors(encoder, texts, n_texts=BASELINE_TEXTS, seed=seed), seed=seed)]))
    return float(value[0])


@dataclass
class WordInContext:
    """Everything shown about one word: its kept occurrences with vectors, senses, map and figures."""

    word: str
    texts: Sequence[str]
    occurrences: list[Occurrence]
    vectors: np.ndarray
    n_found: int
    n_truncated: int
    senses: Senses
    self_similarity: float
    baseline: float
    coords: np.ndarray | None = None  # one row per occurrence, then the word alone when known
    alone: np.ndarray | None = None  # the word's vector with no context
    notes: list[str] = field(default_factory=list)

    @property
    def corrected(self) -> float:
        """Self-similarity minus the anisotropy baseline."""
        return self.self_similarity - self.baseline

    def contexts(self) -> list[str]:
        """Each kept occurrence in its context, the word in [brackets]."""
        return [context_line(self.texts[o.row], o) for o in self.occurrences]

    def occurrence_frame(self) -> pd.DataFrame:
        """One row per occurrence: sense, the context, and the text's row number."""
        return pd.DataFrame({"sense": [f"sense {s + 1}" for s in self.senses.labels], "context": self.contexts(),
                             "row": [o.row for o in self.occurrences]})

    def occurrence_table(self) -> pd.DataFrame:
        """One row per occurrence: its context, its row and character offset in the corpus, its sense and map position."""
        n = len(self.occurrences)
        coords = self.coords[:n] if self.coords is not None else np.full((n, 2), np.nan, dtype=np.float32)
        return pd.DataFrame({"text": self.contexts(), "row": [o.row for o in self.occurrences],
                             "start": [o.start for o in self.occurrences], "sense": self.senses.labels + 1, "x": coords[:, 0], "y": coords[:, 1]})

    def sense_summary(self, examples: int = 3) -> list[dict[str, Any]]:
        """Per sense: its size, the self-similarity inside it and a few example contexts."""
        contexts, out = self.contexts(), []
        for s in range(self.senses.k):
            rows = np.flatnonzero(self.senses.labels == s)
            out.append({"sense": s + 1, "occurrences": int(len(rows)),
                        "self_similarity": _rounded(mean_pairwise_cosine(self.vectors[rows])),
                        "examples": [contexts[i] for i in rows[:examples]]})
        return out

    def as_dict(self, examples: int = 3) -> dict[str, Any]:
        """The JSON document of the CLI."""
        return {"word": self.word, "occurrences_found": self.n_found, "occurrences_used": len(self.occurrences),
                "skipped_truncated": self.n_truncated, "senses": self.sense_summary(examples),
                "senses_note": senses_note(self.senses), "silhouette": _rounded(self.senses.silhouette),
                "self_similarity": _rounded(self.self_similarity), "anisotropy_baseline": _rounded(self.baseline),
                "self_similarity_corrected": _rounded(self.corrected), "notes": self.notes, "citation": CITATION}


def _rounded(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


def analyse_word(word: str, texts: Sequence[str], encoder: TokenEncoder, *, baseline: float,
                 progress: Progress | None = None, with_map: bool = True,
                 max_occurrences: int = MAX_OCCURRENCES) -> WordInContext:
    """1. find the word, 2. embed each occurrence, 3. find senses, 4. self-similarity, 5. 2D map."""
    word = clean_word(word)
    if max_occurrences < 1:
        raise UserError(f"The number of occurrences to embed must be at least 1 (got {max_occurrences}).")
    found = require_occurrences(word, texts)
    used = sample_occurrences(found, max_occurrences)
    cv = contextual_vectors(encoder, texts, used, progress=progress)
    if not cv.kept:
        raise UserError(f"'{word}' is longer than the model's window of {encoder.max_length} tokens.")
    result = WordInContext(word, texts, cv.kept, cv.vectors, len(found), cv.n_truncated, find_senses(cv.vectors),
                           mean_pairwise_cosine(cv.vectors), baseline,
                           notes=_notes(found, used, cv, encoder.max_length))
    if with_map:
        result.alone = word_alone(encoder, word)
        stack = cv.vectors if result.alone is None else np.vstack([cv.vectors, result.alone])
        result.coords = layout_2d(stack)
        result.notes.append(map_note(len(stack)))
    return result


def _notes(found: list, used: list, cv: ContextVectors, window: int) -> list[str]:
    notes = []
    if len(used) < len(found):
        notes.append(f"{len(found):,} occurrences found; a seeded random sample of {len(used):,} was embedded.")
    if cv.n_windowed:
        notes.append(f"{cv.n_windowed:,} occurrence(s) lie in texts longer than the model's window of {window} "
                     "tokens: each was read in a window of the text centred on it.")
    if cv.n_truncated:
        notes.append(f"{cv.n_truncated:,} occurrence(s) skipped: longer than the model's window of {window} tokens.")
    return notes
