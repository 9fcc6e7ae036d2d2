"""How long an embedding job will take with a model on this machine, measured on a small sample."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from core.embedding.models import Embedder, create_embedder, is_corpus_fitted

CALIBRATE_N = 128  # texts timed for a model that encodes text by text
CALIBRATE_CORPUS_N = 2_000  # texts a corpus-fitted model is fitted on and timed with
LONG_JOB_S = 120.0  # jobs expected to take minutes are announced before they start
SAMPLE_ROWS = 50_000  # the sample offered instead of a long job


def calibration_texts(texts: Sequence[str], n: int, *, seed: int = 0) -> list[str]:
    """A seeded sample of `n` texts (all of them when there are fewer)."""
    texts = list(texts)
    if len(texts) <= n:
        return texts
    return [texts[i] for i in np.random.default_rng(seed).choice(len(texts), n, replace=False)]


def measure_rate(model_key: str, texts: Sequence[str], *, get_embedder: Callable[[], Embedder] | None = None) -> float:
    """Texts per second of `model_key` here, timed on a sample of `texts` (the model loaded beforehand)."""
    if is_corpus_fitted(model_key):
        sample = calibration_texts(texts, CALIBRATE_CORPUS_N)
        start = time.perf_counter()
        create_embedder(model_key, corpus=sample).encode(sample)
        return len(sample) / max(time.perf_counter() - start, 1e-6)
    embedder = get_embedder() if get_embedder else create_embedder(model_key)
    sample = calibration_texts(texts, CALIBRATE_N)
    embedder.encode(sample[:8])  # first call pays one-off set-up
    start = time.perf_counter()
    embedder.encode(sample)
    return len(sample) / max(time.perf_counter() - start, 1e-6)


def seconds_for(n_texts: int, rate: float) -> float:
    """Expected seconds to encode `n_texts` at `rate` texts per second."""
    return n_texts / max(rate, 1e-6)
