"""The caching seam of the audit pages: word sources, vocabularies and computed results.

Everything is keyed by names and frozen settings (st.cache_resource: no copies of large arrays).
"""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import seam
from core.audits.analogy import AnalogyAnswers, answer_all, parse_analogy
from core.audits.analogy_benchmark import BenchmarkResult, run_benchmark
from core.audits.bias_direction import (
    BiasDirection,
    bias_direction,
    neutralised_vocabulary,
)
from core.audits.weat_audit import WeatResult, WeatSettings, covered_tests, run_weats
from core.audits.weat_sets import WeatTest
from core.audits.word_sources import NeutralisedSource, WordSource, make_source
from core.audits.word_vectors import GLOVE_KEY, WordVectors, vocabulary, with_unseen
from core.embedding.models import is_word_vocabulary

SourceKey = tuple[str, int | None, tuple[str, ...]]  # (model, vocabulary size, templates)


def _get_embedder(model_key: str):
    return None if is_word_vocabulary(model_key) else (lambda: seam.embedder(model_key))


@st.cache_resource(show_spinner=False, max_entries=6)
def word_source(key: SourceKey) -> WordSource:
    """GloVe restricted to N words, or a sentence model with its templates."""
    model_key, n, templates = key
    return make_source(model_key, restrict_vocab=n, templates=templates, get_embedder=_get_embedder(model_key))


@st.cache_resource(show_spinner=False, max_entries=4)
def analogy_vocabulary(model_key: str, n: int) -> WordVectors:
    """The candidate answers: GloVe's N most frequent words (embedded by the model if it is a sentence model)."""
    return vocabulary(model_key, n, get_embedder=_get_embedder(model_key))


@st.cache_resource(show_spinner=False, max_entries=32)
def analogy_space(model_key: str, n: int, question: str) -> tuple[WordVectors, list[str]]:
    """The candidate answers, with the question's words a fastText model never saw built from sub-words (and
    which those were)."""
    q = parse_analogy(question)
    return with_unseen(analogy_vocabulary(model_key, n), [q.a, q.b, q.c])


@st.cache_resource(show_spinner=False, max_entries=32)
def analogy_answers(model_key: str, n: int, question: str, k: int) -> AnalogyAnswers:
    return answer_all(analogy_space(model_key, n, question)[0], parse_analogy(question), k=k)


@st.cache_resource(show_spinner=False, max_entries=8)
def benchmark(model_key: str, n: int, content_hash: str, methods: tuple[str, ...], _text: str) -> list[BenchmarkResult]:
    """Benchmark results, keyed by the file's content hash (the text itself is not hashed on every run)."""
    return run_benchmark(analogy_vocabulary(model_key, n), _text, methods=methods)


def weat_coverage(key: SourceKey, tests: tuple[WeatTest, ...]) -> tuple[tuple[WeatTest, ...], list[str]]:
    """The chosen tests the source covers, and a sentence for each left out."""
    covered, skipped = covered_tests(tests, word_source(key))
    return tuple(covered), skipped


@st.cache_resource(show_spinner=False, max_entries=16)
def weat_results(key: SourceKey, tests: tuple[WeatTest, ...], settings: WeatSettings) -> list[WeatResult]:
    return run_weats(tests, word_source(key), settings)


@st.cache_resource(show_spinner=False, max_entries=8)
def direction(key: SourceKey, pairs: tuple[tuple[str, str], ...]) -> BiasDirection:
    return bias_direction(word_source(key), pairs)


@st.cache_resource(show_spinner=False, max_entries=4)
def neutralised_source(key: SourceKey, pairs: tuple[tuple[str, str], ...], keep: tuple[str, ...]) -> WordSource:
    """The source with the bias direction removed from every word but `keep` (the stored vectors are untouched)."""
    return NeutralisedSource(word_source(key), direction(key, pairs).vector, keep)


@st.cache_resource(show_spinner=False, max_entries=2)
def neutralised_glove(n: int | None, pairs: tuple[tuple[str, str], ...], keep: tuple[str, ...]) -> WordVectors:
    """A neutralised copy of the GloVe vocabulary, for analogy answers after debiasing."""
    key: SourceKey = (GLOVE_KEY, n, ())
    base = word_source(key)
    return neutralised_vocabulary(base.wv, direction(key, pairs), keep)  # type: ignore[attr-defined]


def source_key(model_key: str, n: int | None, templates: Sequence[str]) -> SourceKey:
    """Only GloVe uses N and only sentence models use templates; the key keeps what matters."""
    if is_word_vocabulary(model_key):
        return (model_key, n, ())
    return (model_key, None, tuple(templates))
