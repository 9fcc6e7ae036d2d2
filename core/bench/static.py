"""Bench section "static": our static training path against gensim called directly on the same tokens.

Both train Word2Vec skip-gram on the Lee sentences (repeated to a stated number of copies) with the same
settings and one worker; words/s counts corpus words times epochs over the training time (tokenising and
building the vocabulary included for both), best of two alternating rounds.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StaticSizes:
    """How many copies of the Lee sentences to train on, for how many epochs, and how many rounds of each path."""

    copies: int = 5
    epochs: int = 3
    rounds: int = 2


def _ours_words_per_s(texts: list[str], params) -> tuple[float, int]:
    from core.training.static import run_static

    start = time.perf_counter()
    run = run_static(texts, params)
    return run.words * params.epochs / (time.perf_counter() - start), run.words


def _gensim_words_per_s(texts: list[str], params, words: int) -> float:
    from gensim.models import Word2Vec
    from gensim.utils import simple_preprocess

    start = time.perf_counter()
    tokens = [simple_preprocess(t) for t in texts]
    Word2Vec(tokens, sg=params.sg, vector_size=params.vector_size, window=params.window, min_count=params.min_count,
             epochs=params.epochs, negative=params.negative, seed=params.seed, workers=params.workers)
    return words * params.epochs / (time.perf_counter() - start)


def bench_static(workdir: Path, sizes: StaticSizes) -> dict[str, float]:
    """static_train_words_per_s (ours) and static_train_baseline_words_per_s (gensim alone), and their ratio: the
    best of `rounds` alternating runs of each, so a busy moment of the machine falls on neither side alone."""
    from core.data.builtins import lee_sentences
    from core.training.static_settings import StaticParams

    texts = lee_sentences().texts * sizes.copies
    params = StaticParams(epochs=sizes.epochs)
    ours, plain, words = 0.0, 0.0, 0
    for _ in range(sizes.rounds):
        pace, words = _ours_words_per_s(texts, params)
        ours = max(ours, pace)
        plain = max(plain, _gensim_words_per_s(texts, params, words))
    return {"static_train_words_per_s": round(ours), "static_train_baseline_words_per_s": round(plain),
            "static_train_ratio": round(ours / plain, 3), "static_train_words": words}
