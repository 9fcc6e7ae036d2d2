"""Where word vectors come from for bias audits: a vocabulary (GloVe) or a sentence model with templates.

Sentence models follow SEAT (May et al., 2019): each word is placed in every template and each templated
sentence is one element of its set, so a set of n words has n × templates elements. Where a single vector
per word is needed (bias direction, projections, axes), it is the mean of its templated sentences' unit
vectors.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.audits.word_vectors import WordVectors
from core.errors import UserError

PLACEHOLDER = "[word]"
DEFAULT_TEMPLATES = ("This is [word].", "That is [word].", "Here is [word].")


@dataclass
class Elements:
    """Vectors for a list of words: one row per element, the word behind each row, the words not found."""

    labels: list[str]
    words: list[str]
    vectors: np.ndarray
    missing: list[str]

    @property
    def used_words(self) -> list[str]:
        return list(dict.fromkeys(self.words))


class WordSource(Protocol):
    label: str

    def word_vectors(self, words: Sequence[str]) -> Elements: ...

    def weat_elements(self, words: Sequence[str]) -> Elements: ...


class VocabularySource:
    """Words looked up in a WordVectors vocabulary (exact, then lower case); each word is one element."""

    def __init__(self, wv: WordVectors) -> None:
        self.wv, self.label = wv, wv.label

    def word_vectors(self, words: Sequence[str]) -> Elements:
        rows, found, missing = self.wv.rows(words)
        return Elements(list(found), list(found), self.wv.unit[rows].astype(np.float64), missing)

    weat_elements = word_vectors


def check_templates(templates: Sequence[str]) -> tuple[str, ...]:
    """Templates without blanks; each must contain the [word] placeholder."""
    cleaned = tuple(t.strip() for t in templates if t.strip())
    if not cleaned:
        raise UserError(f"Give at least one template, such as 'This is {PLACEHOLDER}.'.")
    bad = [t for t in cleaned if PLACEHOLDER not in t]
    if bad:
        raise UserError(f"Template '{bad[0]}' has no {PLACEHOLDER} placeholder for the word.")
    return cleaned


class TemplateSource:
    """A sentence model: words are placed in templates (SEAT) and embedded through the disk cache."""

    def __init__(self, model_key: str, templates: Sequence[str], *, get_embedder: Callable | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        from core.embedding.models import model_title

        self.model_key, self.templates = model_key, check_templates(templates)
        self.get_embedder, self.progress = get_embedder, progress
        self.label = f"{model_title(model_key)}, {len(self.templates)} template(s)"

    def embed(self, sentences: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Unit sentence vectors through the disk cache; `progress` (else the source's) hears of new encodings."""
        from core.embedding.encode import embed_texts

        result = embed_texts(sentences, self.model_key, get_embedder=self.get_embedder,
                             progress=progress or self.progress)
        return result.vectors.astype(np.float64)

    def weat_elements(self, words: Sequence[str]) -> Elements:
        pairs = [(w, t.replace(PLACEHOLDER, w)) for w in words for t in self.templates]
        vectors = self.embed([s for _, s in pairs]) if pairs else np.empty((0, 0))
        return Elements([s for _, s in pairs], [w for w, _ in pairs], vectors, [])

    def word_vectors(self, words: Sequence[str]) -> Elements:
        elements = self.weat_elements(words)
        n = len(self.templates)
        vectors = elements.vectors.reshape(len(words), n, -1).mean(axis=1) if len(words) else elements.vectors
        return Elements(list(words), list(words), vectors, [])


class NeutralisedSource:
    """Another source's vectors with a direction removed (hard-debias neutralise), except for kept words."""

    def __init__(self, base: WordSource, direction: np.ndarray, keep: Sequence[str] = ()) -> None:
        from core.vectors import neutralise

        self.base, self.direction, self._neutralise = base, direction, neutralise
        self.keep = {w.lower() for w in keep}
        self.label = f"{base.label}, neutralised"

    def _apply(self, elements: Elements) -> Elements:
        mask = np.asarray([w.lower() not in self.keep for w in elements.words], dtype=bool)
        vectors = elements.vectors.copy()
        if mask.any():
            vectors[mask] = self._neutralise(vectors[mask], self.direction)
        return Elements(elements.labels, elements.words, vectors, elements.missing)

    def word_vectors(self, words: Sequence[str]) -> Elements:
        return self._apply(self.base.word_vectors(words))

    def weat_elements(self, words: Sequence[str]) -> Elements:
        return self._apply(self.base.weat_elements(words))


def make_source(model_key: str, *, restrict_vocab: int | None = None, templates: Sequence[str] = DEFAULT_TEMPLATES,
                get_embedder: Callable | None = None,
                progress: Callable[[int, int], None] | None = None) -> WordSource:
    """A word space (GloVe or a static model, restricted to its `restrict_vocab` most frequent words) or a sentence
    model with templates."""
    from core.audits.word_vectors import word_space
    from core.embedding.models import is_corpus_fitted, is_word_vocabulary, model_title

    if is_word_vocabulary(model_key):
        return VocabularySource(word_space(model_key, restrict_vocab))
    if is_corpus_fitted(model_key):
        raise UserError(f"{model_title(model_key)} is fitted on one corpus and has no fixed word space to audit; "
                        "choose GloVe or a sentence model.")
    return TemplateSource(model_key, templates, get_embedder=get_embedder, progress=progress)
