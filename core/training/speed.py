"""How fast fine-tuning runs here: a few timed training steps, and the time a run of some size takes."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.training.pairs import PairSet, sample
from core.training.train import fit, negative_columns, negatives_per_anchor, training_dataset

CALIBRATION_STEPS = 3
TARGET_SECONDS = 300  # a run longer than this is offered a smaller sample


def measure_pairs_per_s(base_key: str, pairs: PairSet, params: Any, *, steps: int = CALIBRATION_STEPS) -> float:
    """Training pairs per second here: a few steps on a throw-away copy of the model (the first step not counted)."""
    from core.embedding.models import load_sentence_model
    from core.training.mining import Mined

    k = negatives_per_anchor(pairs, params.hard_negatives)
    part = sample(pairs, min(len(pairs), params.batch_size * steps), seed=params.seed)
    steps = max(2, min(steps, len(part) // params.batch_size))
    negatives = negative_columns(part, Mined([[] for _ in range(len(part))]), k, seed=params.seed)
    fitted = fit(load_sentence_model(base_key), training_dataset(part, negatives, params.loss), replace(params, epochs=1),
                 max_steps=steps)
    times = fitted.step_seconds
    timed = times[-1] - times[0] if len(times) > 1 else (times[0] if times else fitted.seconds)
    counted = max(1, len(times) - 1)
    return counted * min(params.batch_size, len(part)) / max(timed, 1e-6)


def estimate_seconds(n_pairs: int, params: Any, pairs_per_s: float) -> float:
    """Training time for `n_pairs` training pairs at the measured pace."""
    return params.epochs * n_pairs / max(pairs_per_s, 1e-9)


def step_seconds(params: Any, pairs_per_s: float) -> float:
    """Seconds one training step (a batch of pairs) takes at the measured pace."""
    return params.batch_size / max(pairs_per_s, 1e-9)


def pairs_for(seconds: float, params: Any, pairs_per_s: float) -> int:
    """How many training pairs fit in `seconds`."""
    return int(seconds * pairs_per_s / max(1, params.epochs))
