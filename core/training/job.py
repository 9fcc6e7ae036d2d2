"""A fine-tuning run in a background thread, with its progress, time left and cancellation; and the speed here."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import UserError
from core.training.pairs import PairSet, sample
from core.training.run import FinetuneResult, TrainingCancelled
from core.training.train import fit, negative_columns, negatives_per_anchor, training_dataset

CALIBRATION_STEPS = 3
TARGET_SECONDS = 300  # a run longer than this is offered a smaller sample


@dataclass
class TrainingJob:
    """What the page polls: phase, steps done of total, the result or the error, and a cancel switch."""

    phase: str = "Starting"
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.perf_counter)
    steps_started: float | None = None
    result: FinetuneResult | None = None
    error: str | None = None
    cancelled: bool = False
    cancel_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def cancel(self) -> None:
        self.cancel_event.set()

    def status(self, phase: str) -> None:
        self.phase = phase

    def progress(self, done: int, total: int) -> None:
        if self.steps_started is None:
            self.steps_started = time.perf_counter()
        self.done, self.total = done, total

    def seconds_left(self) -> float | None:
        """From the pace of the steps so far; None before the first step."""
        if self.steps_started is None or self.done <= 0 or self.total <= 0:
            return None
        return (time.perf_counter() - self.steps_started) / self.done * (self.total - self.done)


def start_job(work: Callable[[TrainingJob], FinetuneResult]) -> TrainingJob:
    """Run `work(job)` in a daemon thread; its result, error or cancellation lands on the job."""
    job = TrainingJob()

    def target() -> None:
        try:
            job.result = work(job)
            job.phase = "Done"
        except TrainingCancelled as exc:
            job.cancelled, job.error, job.phase = True, str(exc), "Cancelled"
        except UserError as exc:
            job.error, job.phase = str(exc), "Failed"
        except Exception as exc:  # noqa: BLE001 - the page shows one line for any failure of the thread
            job.error, job.phase = f"Training failed: {type(exc).__name__}: {exc}", "Failed"

    job.thread = threading.Thread(target=target, name="ee-finetune", daemon=True)
    job.thread.start()
    return job


def measure_pairs_per_s(base_key: str, pairs: PairSet, params: Any, *, steps: int = CALIBRATION_STEPS) -> float:
    """Training pairs per second here: a few steps on a throw-away copy of the model (the first step not counted)."""
    from core.embedding.models import load_sentence_model
    from core.training.mining import Mined

    k = negatives_per_anchor(pairs, params.hard_negatives)
    part = sample(pairs, min(len(pairs), params.batch_size * steps), seed=params.seed)
    steps = max(2, min(steps, len(part) // params.batch_size))
    negatives = negative_columns(part, Mined([[] for _ in range(len(part))]), k, seed=params.seed)
    fitted = fit(load_sentence_model(base_key), training_dataset(part, negatives), replace(params, epochs=1),
                 max_steps=steps)
    times = fitted.step_seconds
    timed = times[-1] - times[0] if len(times) > 1 else (times[0] if times else fitted.seconds)
    counted = max(1, len(times) - 1)
    return counted * min(params.batch_size, len(part)) / max(timed, 1e-6)


def estimate_seconds(n_pairs: int, params: Any, pairs_per_s: float) -> float:
    """Training time for `n_pairs` training pairs at the measured pace."""
    return params.epochs * n_pairs / max(pairs_per_s, 1e-9)


def pairs_for(seconds: float, params: Any, pairs_per_s: float) -> int:
    """How many training pairs fit in `seconds`."""
    return int(seconds * pairs_per_s / max(1, params.epochs))
