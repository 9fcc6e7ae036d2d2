"""Contextual vectors of a word: the mean of its sub-word token embeddings from a sentence model.

The model's token embeddings (sentence-transformers `output_value="token_embeddings"`) are lined up
with the fast tokenizer's character offsets; a word's tokens are those whose span overlaps the word's.
An occurrence in a text longer than the model's window is read in a window of the text centred on it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.contexts.occurrences import Occurrence
from core.contexts.windows import Window, centred_span
from core.errors import DataError, UserError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BATCH = 32
Progress = Callable[[int, int], None]
Offsets = list[tuple[int, int]]


def span_rows(offsets: Offsets, start: int, end: int) -> np.ndarray:
    """Row numbers of the tokens whose character span overlaps [start, end); special tokens have none."""
    return np.asarray([i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start], dtype=np.int64)


def span_mean(token_vectors: np.ndarray, offsets: Offsets, start: int, end: int) -> np.ndarray | None:
    """The mean token vector over [start, end), or None when the model's window stops before `end`."""
    rows = span_rows(offsets, start, end)
    if not len(rows) or offsets[rows[-1]][1] < end:
        return None  # cut off by truncation: the word (or its end) lies past the window
    return np.asarray(token_vectors, dtype=np.float32)[rows].mean(axis=0)


@dataclass
class TokenEncoder:
    """A sentence-transformers model seen token by token."""

    model: SentenceTransformer

    @property
    def max_length(self) -> int:
        return int(getattr(self.model, "max_seq_length", None) or self.model.tokenizer.model_max_length)

    @property
    def budget(self) -> int:
        """Tokens of text one window holds: the model's window less its special tokens."""
        return self.max_length - self.model.tokenizer.num_special_tokens_to_add(pair=False)

    def token_spans(self, text: str) -> Offsets:
        """Character spans of all the text's tokens, however many, special tokens left out."""
        enc = self.model.tokenizer(text, return_offsets_mapping=True, add_special_tokens=False, verbose=False)
        return [(int(s), int(e)) for s, e in enc["offset_mapping"]]

    def offsets(self, texts: Sequence[str]) -> list[Offsets]:
        """Each text's token character spans, truncated to the model's window like `encode` does."""
        enc = self.model.tokenizer(list(texts), return_offsets_mapping=True, truncation=True,
                                   max_length=self.max_length)
        return [[(int(s), int(e)) for s, e in row] for row in enc["offset_mapping"]]

    def token_vectors(self, texts: Sequence[str], batch_size: int = BATCH) -> list[np.ndarray]:
        """Each text's token embeddings (tokens x dim), special tokens included, padding left out."""
        out = self.model.encode(list(texts), output_value="token_embeddings", batch_size=batch_size,
                                show_progress_bar=False)
        return [np.asarray(t.float().cpu().numpy() if hasattr(t, "cpu") else t, dtype=np.float32) for t in out]

    def encode_texts(self, texts: Sequence[str]) -> list[tuple[np.ndarray, Offsets]]:
        """(token vectors, offsets) per text, checked to line up."""
        pairs = list(zip(self.token_vectors(texts), self.offsets(texts)))
        if any(len(vecs) != len(offs) for vecs, offs in pairs):
            raise DataError("The model's token embeddings do not line up with its tokenizer's offsets.")
        return pairs


def token_encoder(embedder: object) -> TokenEncoder:
    """The token view of a loaded sentence-transformers embedder; other models are refused with a reason."""
    model = getattr(embedder, "model", None)
    tokenizer = getattr(model, "tokenizer", None)
    if model is None or not hasattr(model, "encode") or tokenizer is None:
        raise UserError("Words in context needs a sentence-transformers model (e.g. minilm): "
                        "static and corpus-fitted models have one vector per word, not per context.")
    if not getattr(tokenizer, "is_fast", False):
        raise UserError("This model's tokenizer gives no character offsets (it is not a 'fast' tokenizer), "
                        "so its tokens cannot be matched to words. Choose another sentence-transformers model.")
    return TokenEncoder(model)


@dataclass
class ContextVectors:
    """One vector per occurrence kept; how many were read in a window of a longer text, and how many skipped."""

    vectors: np.ndarray
    kept: list[Occurrence]
    n_windowed: int  # kept occurrences whose text is longer than the model's window
    n_truncated: int  # occurrences longer than the model's window by themselves


def occurrence_windows(encoder: TokenEncoder, texts: Sequence[str],
                       occurrences: Sequence[Occurrence]) -> list[Window | None]:
    """What the model reads for each occurrence: its whole text when that fits, else whole words centred on it."""
    spans = {row: encoder.token_spans(texts[row]) for row in sorted({o.row for o in occurrences})}
    windows: list[Window | None] = []
    for occ in occurrences:
        row_spans = spans[occ.row]
        if len(row_spans) <= encoder.budget:
            windows.append(Window(occ.row, 0, len(texts[occ.row])))
            continue
        rows = span_rows(row_spans, occ.start, occ.end)
        span = centred_span(row_spans, int(rows[0]), int(rows[-1]), encoder.budget) if len(rows) else None
        windows.append(None if span is None else Window(occ.row, *span))
    return windows


def _encode_windows(encoder: TokenEncoder, texts: Sequence[str], windows: list[Window], progress: Progress | None,
                    batch_size: int) -> dict[Window, tuple[np.ndarray, Offsets]]:
    encoded: dict[Window, tuple[np.ndarray, Offsets]] = {}
    for lo in range(0, len(windows), batch_size):
        chunk = windows[lo:lo + batch_size]
        encoded.update(zip(chunk, encoder.encode_texts([texts[w.row][w.start:w.end] for w in chunk])))
        if progress:
            progress(min(lo + batch_size, len(windows)), len(windows))
    return encoded


def contextual_vectors(encoder: TokenEncoder, texts: Sequence[str], occurrences: Sequence[Occurrence], *,
                       progress: Progress | None = None, batch_size: int = BATCH) -> ContextVectors:
    """Each occurrence's mean sub-word token vector, encoding each distinct window (often a whole text) once."""
    windows = occurrence_windows(encoder, texts, occurrences)
    distinct = [w for w in dict.fromkeys(windows) if w is not None]
    encoded = _encode_windows(encoder, texts, distinct, progress, batch_size)
    vectors, kept, n_windowed = [], [], 0
    for occ, win in zip(occurrences, windows):
        vec = span_mean(*encoded[win], occ.start - win.start, occ.end - win.start) if win else None
        if win and vec is not None:
            vectors.append(vec)
            kept.append(occ)
            n_windowed += win.end - win.start < len(texts[occ.row])
    dim = len(vectors[0]) if vectors else 0
    matrix = np.vstack(vectors) if vectors else np.empty((0, dim), dtype=np.float32)
    return ContextVectors(matrix, kept, n_windowed, len(occurrences) - len(kept))


def word_alone(encoder: TokenEncoder, word: str) -> np.ndarray | None:
    """The word's vector when the model sees it with no context at all."""
    (vectors, offsets), = encoder.encode_texts([word])
    return span_mean(vectors, offsets, 0, len(word))


def random_token_vectors(encoder: TokenEncoder, texts: Sequence[str], *, n_texts: int = 200, per_text: int = 5,
                         seed: int = 0) -> np.ndarray:
    """Token vectors (special tokens left out) drawn at random from a seeded sample of the texts."""
    rng = np.random.default_rng(seed)
    picked: np.ndarray | list[int] = (
        rng.choice(len(texts), size=min(n_texts, len(texts)), replace=False) if len(texts) else [])
    sample: list[np.ndarray] = []
    for lo in range(0, len(picked), BATCH):
        for vecs, offs in encoder.encode_texts([texts[int(r)] for r in picked[lo:lo + BATCH]]):
            real = np.asarray([i for i, (s, e) in enumerate(offs) if e > s], dtype=np.int64)
            if len(real):
                sample.append(vecs[rng.choice(real, size=min(per_text, len(real)), replace=False)])
    return np.vstack(sample) if sample else np.empty((0, 0), dtype=np.float32)
