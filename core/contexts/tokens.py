"""Contextual vectors of a word: the mean of its sub-word token embeddings from a sentence model.

The model's token embeddings (sentence-transformers `output_value="token_embeddings"`) are lined up
with the fast tokenizer's character offsets; a word's tokens are those whose span overlaps the word's.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.contexts.occurrences import Occurrence
from core.errors import DataError, UserError

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

    model: object

    @property
    def max_length(self) -> int:
        return int(getattr(self.model, "max_seq_length", None) or self.model.tokenizer.model_max_length)

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
    """One vector per occurrence kept, and how many were skipped because the window cut them off."""

    vectors: np.ndarray
    kept: list[Occurrence]
    n_truncated: int


def contextual_vectors(encoder: TokenEncoder, texts: Sequence[str], occurrences: Sequence[Occurrence], *,
                       progress: Progress | None = None, batch_size: int = BATCH) -> ContextVectors:
    """Each occurrence's mean sub-word token vector, encoding every text that holds one once."""
    rows = sorted({o.row for o in occurrences})
    encoded: dict[int, tuple[np.ndarray, Offsets]] = {}
    for lo in range(0, len(rows), batch_size):
        chunk = rows[lo:lo + batch_size]
        encoded.update(zip(chunk, encoder.encode_texts([texts[r] for r in chunk])))
        if progress:
            progress(min(lo + batch_size, len(rows)), len(rows))
    vectors, kept = [], []
    for occ in occurrences:
        vec = span_mean(*encoded[occ.row], occ.start, occ.end)
        if vec is not None:
            vectors.append(vec)
            kept.append(occ)
    dim = len(vectors[0]) if vectors else 0
    matrix = np.vstack(vectors) if vectors else np.empty((0, dim), dtype=np.float32)
    return ContextVectors(matrix, kept, len(occurrences) - len(kept))


def word_alone(encoder: TokenEncoder, word: str) -> np.ndarray | None:
    """The word's vector when the model sees it with no context at all."""
    (vectors, offsets), = encoder.encode_texts([word])
    return span_mean(vectors, offsets, 0, len(word))


def random_token_vectors(encoder: TokenEncoder, texts: Sequence[str], *, n_texts: int = 200, per_text: int = 5,
                         seed: int = 0) -> np.ndarray:
    """Token vectors (special tokens left out) drawn at random from a seeded sample of the texts."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(texts), size=min(n_texts, len(texts)), replace=False) if len(texts) else []
    sample: list[np.ndarray] = []
    for lo in range(0, len(picked), BATCH):
        for vecs, offs in encoder.encode_texts([texts[int(r)] for r in picked[lo:lo + BATCH]]):
            real = np.asarray([i for i, (s, e) in enumerate(offs) if e > s], dtype=np.int64)
            if len(real):
                sample.append(vecs[rng.choice(real, size=min(per_text, len(real)), replace=False)])
    return np.vstack(sample) if sample else np.empty((0, 0), dtype=np.float32)
