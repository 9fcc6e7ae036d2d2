"""One training run: the chosen loss (core.training.losses) with sentence-transformers' trainer, the whole model
or a LoRA adapter, offline, cancellable.

Nothing here reaches the network: the datasets are built from in-memory lists, nothing is reported
(`report_to="none"`) or pushed, and no checkpoint is saved during training.
"""
from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import UserError
from core.training.losses import LOSSES
from core.training.mining import Mined
from core.training.pairs import PairSet

Progress = Callable[[int, int], None]
LORA_DROPOUT = 0.1
MAX_MISSES = 1000  # random draws of a text of its own group before a pair gets fewer negatives


@dataclass
class FitResult:
    seconds: float  # wall time of the training loop
    steps: int
    total_steps: int
    cancelled: bool
    step_seconds: list[float]  # time of each step, from the first step's start


def negative_columns(pairs: PairSet, mined: Mined, k: int, *, seed: int) -> list[list[str]]:
    """Per pair, `k` negatives: the given one first, then the mined ones, then random texts of other groups (fewer
    when other groups' texts are too rare to draw)."""
    rng = np.random.default_rng(seed)
    pool = np.asarray(pairs.texts(), dtype=object)
    groups = pairs.text_groups()
    out = []
    for i in range(len(pairs)):
        own = {pairs.anchors[i], pairs.positives[i]}
        chosen = [n for n in [pairs.negatives[i], *mined.negatives[i]] if n and n not in own][:k]
        misses = 0
        while len(chosen) < k and misses < MAX_MISSES:  # a group that holds nearly every text leaves few to draw
            text = str(pool[rng.integers(len(pool))])
            if pairs.groups[i] not in groups.get(text, ()) and text not in own and text not in chosen:
                chosen.append(text)
            elif len(pool) <= len(own) + len(chosen):
                break
            else:
                misses += 1
        out.append(chosen)
    return out


def negatives_per_anchor(pairs: PairSet, k: int) -> int:
    """How many negative columns training uses: k, or one when the pairs bring their own negatives; none for
    scored pairs (their scores say which are negative)."""
    if pairs.scores is not None:
        return 0
    return max(k, 1 if any(pairs.negatives) else 0)


def training_dataset(pairs: PairSet, negatives: Sequence[Sequence[str]], loss: str = "mnrl"):
    """The rows the chosen loss trains on, as a `datasets.Dataset`."""
    return LOSSES[loss].dataset(pairs, negatives)


def add_lora(model, params: Any) -> None:
    """Train a LoRA adapter of rank `params.lora_rank` instead of every weight (rank 0: nothing to add)."""
    if not params.lora_rank:
        return
    from peft import LoraConfig, TaskType

    try:
        model.add_adapter(LoraConfig(r=params.lora_rank, lora_alpha=params.lora_alpha, lora_dropout=LORA_DROPOUT,
                                     task_type=TaskType.FEATURE_EXTRACTION))
    except (ValueError, AttributeError, TypeError) as err:
        raise UserError(f"A LoRA adapter cannot be added to this model ({err}); set the LoRA rank to 0.") from None


def learning_rate(params: Any) -> float:
    """The peak learning rate of the run: LoRA's own when it trains an adapter, else full fine-tuning's."""
    return params.lora_learning_rate if params.lora_rank else params.learning_rate


def training_arguments(params: Any, output_dir: str, *, max_steps: int = -1):
    """The trainer's arguments from our parameters: nothing logged, reported, saved or pushed."""
    from sentence_transformers import SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers

    return SentenceTransformerTrainingArguments(
        output_dir=output_dir, num_train_epochs=params.epochs, max_steps=max_steps,
        per_device_train_batch_size=params.batch_size, learning_rate=learning_rate(params),
        warmup_steps=float(params.warmup_ratio), seed=params.seed, data_seed=params.seed,
        batch_sampler=BatchSamplers.NO_DUPLICATES if LOSSES[params.loss].in_batch else BatchSamplers.BATCH_SAMPLER,
        report_to="none", push_to_hub=False, save_strategy="no",
        logging_strategy="no", disable_tqdm=True, dataloader_num_workers=0, dataloader_pin_memory=False)


def _watch(progress: Progress | None, cancel: threading.Event | None, times: list[float]):
    """A TrainerCallback that reports each step and stops training once `cancel` is set."""
    from transformers import TrainerCallback

    class Watch(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            times.append(time.perf_counter())

        def on_step_end(self, args, state, control, **kwargs):
            times.append(time.perf_counter())
            if progress:
                progress(state.global_step, state.max_steps)
            if cancel is not None and cancel.is_set():
                control.should_training_stop = True
            return control

    return Watch()


def _trainer_class():
    """sentence-transformers' trainer without its model-card tracking (we write our own card)."""
    from sentence_transformers import SentenceTransformerTrainer

    class Trainer(SentenceTransformerTrainer):
        def add_model_card_callback(self, default_args_dict: dict[str, Any]) -> None:
            """No automatic card: core.training.card writes it."""

    return Trainer


def set_max_seq_length(model, length: int) -> None:
    """Cut texts at `length` tokens (models without a length limit, like static embeddings, keep theirs)."""
    try:
        model.max_seq_length = length
    except AttributeError:
        pass


def fit(model, dataset, params: Any, *, progress: Progress | None = None, cancel: threading.Event | None = None,
        max_steps: int = -1) -> FitResult:
    """Train `model` in place on `dataset` with the chosen loss (with a LoRA rank: only a new adapter)."""
    from transformers.trainer_callback import PrinterCallback

    set_max_seq_length(model, params.max_seq_length)
    add_lora(model, params)
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ee-train-") as scratch:
        trainer = _trainer_class()(
            model=model, args=training_arguments(params, scratch, max_steps=max_steps), train_dataset=dataset,
            loss=LOSSES[params.loss].module(model), callbacks=[_watch(progress, cancel, times)])
        trainer.remove_callback(PrinterCallback)  # it prints the run's summary on stdout
        start = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - start
        state = trainer.state
    steps = [t - times[0] for t in times[1:]] if times else []
    cancelled = cancel is not None and cancel.is_set() and state.global_step < state.max_steps
    return FitResult(seconds, state.global_step, state.max_steps, cancelled, steps)
