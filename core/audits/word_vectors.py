"""A word vocabulary with vectors: GloVe rows, or words embedded by a sentence model."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np

from core.data.glove import GLOVE_SIZE
from core.errors import UserError
from core.vectors import unit_rows

GLOVE_KEY = "glove-6b-50d"  # GloVe's registry key, the audits' default model


class WordVectors:
    """Words (most frequent first), their raw float32 vectors and unit-length rows.

    Never modified in place: operations that change vectors return a new object.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray, *, label: str) -> None:
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words but {len(vectors)} vectors")
        self.words = tuple(words)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.label = label

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def index(self) -> dict[str, int]:
        """Word -> row; with repeated words the first (most frequent) row wins."""
        index: dict[str, int] = {}
        for row, word in enumerate(self.words):
            index.setdefault(word, row)
        return index

    @cached_property
    def norms(self) -> np.ndarray:
        return np.linalg.norm(self.vectors, axis=1)

    @cached_property
    def unit(self) -> np.ndarray:
        """Rows scaled to unit length (zero rows stay zero)."""
        return unit_rows(self.vectors)

    def row(self, word: str) -> int | None:
        """The row of `word`: exact match first, then its lowercase form."""
        found = self.index.get(word)
        return found if found is not None else self.index.get(word.lower())

    def rows(self, words: Sequence[str]) -> tuple[list[int], list[str], list[str]]:
        """(rows, words found, words missing), keeping the input order."""
        rows, found, missing = [], [], []
        for word in words:
            row = self.row(word)
            if row is None:
                missing.append(word)
            else:
                rows.append(row)
                found.append(word)
        return rows, found, missing

    def require(self, word: str) -> int:
        """The row of `word`, or an error that names it."""
        row = self.row(word)
        if row is None:
            raise UserError(f"'{word}' is not in the vocabulary ({self.label}). Check the spelling or raise N.")
        return row

    def with_vectors(self, vectors: np.ndarray, *, label: str) -> WordVectors:
        """The same words with other vectors (e.g. a debiased preview)."""
        return WordVectors(self.words, vectors, label=label)


class SubwordVectors(WordVectors):
    """A word space that can build vectors for words it never saw (fastText's character n-grams)."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray, *, label: str,
                 subword: Callable[[str], np.ndarray | None]) -> None:
        super().__init__(words, vectors, label=label)
        self.subword = subword

    def with_vectors(self, vectors: np.ndarray, *, label: str) -> WordVectors:
        return SubwordVectors(self.words, vectors, label=label, subword=self.subword)


def with_unseen(wv: WordVectors, words: Sequence[str]) -> tuple[WordVectors, list[str]]:
    """`wv` with rows added for the `words` it lacks but can build from sub-words, and which those were."""
    if not isinstance(wv, SubwordVectors):
        return wv, []
    built = [(w, v) for w in dict.fromkeys(words) if wv.row(w) is None and (v := wv.subword(w)) is not None]
    if not built:
        return wv, []
    vectors = np.vstack([wv.vectors, np.stack([v for _, v in built])])
    return SubwordVectors([*wv.words, *(w for w, _ in built)], vectors, label=wv.label,
                          subword=wv.subword), [w for w, _ in built]


def unseen_note(built: Sequence[str]) -> str | None:
    """One sentence naming the words built from sub-words, if any."""
    if not built:
        return None
    names = ", ".join(f"'{w}'" for w in built)
    return f"fastText never saw {names} in training; it built their vectors from their character n-grams."


def glove_word_vectors(restrict_vocab: int | None = None) -> WordVectors:
    """GloVe 6B 50d limited to its `restrict_vocab` most frequent words (all 400,000 when None)."""
    from core.data.glove import glove_vectors, glove_words

    n = check_restrict_vocab(restrict_vocab)
    return WordVectors(glove_words()[:n], np.asarray(glove_vectors()[:n]),
                       label=f"GloVe 6B 50d, {n:,} most frequent words")


def word_space(model_key: str, restrict_vocab: int | None = None) -> WordVectors:
    """The word vectors of a static word space: a static model trained here, else GloVe's rows."""
    from core.embedding.static import STATIC_PREFIX

    if model_key.startswith(STATIC_PREFIX):
        return static_word_vectors(model_key, restrict_vocab)
    return glove_word_vectors(restrict_vocab)


def static_word_vectors(model_key: str, restrict_vocab: int | None = None) -> WordVectors:
    """A static model's vocabulary (most frequent first), limited to its `restrict_vocab` most frequent words."""
    from core.embedding.models import model_title
    from core.embedding.static import load_static

    model = load_static(model_key)
    n = len(model.words) if restrict_vocab is None else min(check_restrict_vocab(restrict_vocab), len(model.words))
    label = f"{model_title(model_key)}, {n:,} words"
    if model.ngrams is not None:
        return SubwordVectors(model.words[:n], model.vectors[:n], label=label, subword=model.subword_vector)
    return WordVectors(model.words[:n], model.vectors[:n], label=label)


def check_restrict_vocab(restrict_vocab: int | None, *, limit: int = GLOVE_SIZE) -> int:
    """The vocabulary size to use, or a clear error when it is out of range."""
    if restrict_vocab is None:
        return limit
    if not 1 <= int(restrict_vocab) <= limit:
        raise UserError(f"The vocabulary size must be between 1 and {limit:,} (got {restrict_vocab:,}).")
    return int(restrict_vocab)


def embedded_word_vectors(model_key: str, restrict_vocab: int, *, get_embedder: Callable | None = None,
                          progress: Callable[[int, int], None] | None = None) -> WordVectors:
    """The `restrict_vocab` most frequent GloVe words, each embedded alone by a sentence model.

    Sentence models have no vocabulary of their own; GloVe's frequency list stands in for one.
    Vectors go through the on-disk embedding cache, so only the first run encodes.
    """
    from core.data.glove import glove_words
    from core.embedding.encode import embed_texts
    from core.embedding.models import model_title

    n = check_restrict_vocab(restrict_vocab)
    words = glove_words()[:n]
    result = embed_texts(words, model_key, get_embedder=get_embedder, progress=progress)
    return WordVectors(words, result.vectors, label=f"{model_title(model_key)} on the {n:,} most frequent GloVe words")


def vocabulary(model_key: str, restrict_vocab: int | None, **kwargs) -> WordVectors:
    """The analogy vocabulary of a model: its own words (GloVe, a static model), or GloVe's words embedded by it."""
    from core.embedding.models import is_word_vocabulary

    if is_word_vocabulary(model_key):
        return word_space(model_key, restrict_vocab)
    return embedded_word_vectors(model_key, check_restrict_vocab(restrict_vocab), **kwargs)
