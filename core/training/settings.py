"""The fine-tuning parameters, each defined once.

Every parameter has one row in `SETTINGS` (the projection settings' `Setting` row: name, default,
bounds, label); `TrainParams`, the `finetune` command's options and the Fine-tune page's widgets are
all derived from it.
"""
from dataclasses import dataclass
from typing import Any

from core.setting import Setting
from core.training.losses import LOSSES

LORA_LEARNING_RATE = 5e-3
LORA_LEARNING_RATE_HELP = ("peak learning rate of AdamW when a LoRA adapter is trained: an adapter starts at zero "
                           "and needs a larger rate than the whole model's 2e-5. Measured on the page's default data "
                           "(Lee, consecutive sentences; MiniLM, rank 8, one epoch of 400 pairs, 443 held out; "
                           "recall@10 / MRR@10 before 0.528 / 0.191): LoRA at 2e-5 0.528 / 0.191 (unchanged), 2e-4 "
                           "0.528 / 0.193, 1e-3 0.528 / 0.197, 5e-3 0.546 / 0.203; every weight at 2e-5 0.535 / 0.198")

SETTINGS: tuple[Setting, ...] = (
    Setting("epochs", "epochs", "Epochs", 1, bounds=(1, 20), widget="number", help="passes over the training pairs"),
    Setting("batch_size", "batch_size", "Batch size", 32, bounds=(2, 256), widget="number",
            help="pairs per step; the other pairs of a batch are its in-batch negatives"),
    Setting("learning_rate", "learning_rate", "Learning rate", 2e-5, bounds=(1e-7, 1.0), widget="number",
            format="%.1e", help="peak learning rate of AdamW when every weight is trained (a LoRA adapter uses the "
                                "LoRA learning rate)"),
    Setting("warmup_ratio", "warmup_ratio", "Warm-up share", 0.1, bounds=(0.0, 0.5), step=0.05,
            help="share of the steps over which the learning rate rises linearly from 0"),
    Setting("max_seq_length", "max_seq_length", "Maximum sequence length", 128, bounds=(8, 512), widget="number",
            help="tokens kept per text; longer texts are cut"),
    Setting("hard_negatives", "hard_negatives", "Hard negatives per anchor", 1, bounds=(0, 10), widget="number",
            help="nearest non-positive texts mined from the base model's vectors"),
    Setting("margin", "margin", "Hard-negative margin", 0.05, bounds=(0.0, 1.0), step=0.01,
            help="a negative must score at least this much below the anchor's positive (cosine)"),
    Setting("eval_split", "eval_split", "Held-out share", 0.2, bounds=(0.05, 0.5), step=0.05,
            help="share of the pairs (whole groups where there are groups) kept out of training for evaluation"),
    Setting("seed", "seed", "Seed", 42, bounds=(0, 2**31 - 1), widget="number", help="random seed"),
    Setting("loss", "loss", "Loss", "mnrl", choices=tuple(LOSSES), choice_labels=tuple(x.title for x in LOSSES.values()),
            widget="select", help="mnrl: in-batch and hard negatives; triplet: anchor, positive, negative; "
                                  "contrastive / cosent: labelled pairs (positive 1, negatives 0), or a file's "
                                  "label / score column"),
    Setting("lora_rank", "lora_rank", "LoRA rank (0 = train every weight)", 0, bounds=(0, 256), widget="number",
            help="rank of the LoRA adapter trained instead of the whole model; 0 trains every weight"),
    Setting("lora_alpha", "lora_alpha", "LoRA alpha", 16, bounds=(1, 1024), widget="number",
            help="the adapter's scale: its update is multiplied by alpha / rank"),
    Setting("lora_learning_rate", "lora_learning_rate", "LoRA learning rate", LORA_LEARNING_RATE, bounds=(1e-7, 1.0),
            widget="number", format="%.1e", help=LORA_LEARNING_RATE_HELP),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class TrainParams:
    """Everything that determines a fine-tuning run: one field per row of `SETTINGS`, in its order, with its default
    (a test holds the two together)."""

    epochs: int = BY_NAME["epochs"].default
    batch_size: int = BY_NAME["batch_size"].default
    learning_rate: float = BY_NAME["learning_rate"].default
    warmup_ratio: float = BY_NAME["warmup_ratio"].default
    max_seq_length: int = BY_NAME["max_seq_length"].default
    hard_negatives: int = BY_NAME["hard_negatives"].default
    margin: float = BY_NAME["margin"].default
    eval_split: float = BY_NAME["eval_split"].default
    seed: int = BY_NAME["seed"].default
    loss: str = BY_NAME["loss"].default
    lora_rank: int = BY_NAME["lora_rank"].default
    lora_alpha: int = BY_NAME["lora_alpha"].default
    lora_learning_rate: float = BY_NAME["lora_learning_rate"].default


def params_from(values: dict[str, Any]) -> TrainParams:
    """TrainParams from values keyed by setting name; missing or None values take the default."""
    return TrainParams(**{s.name: s.cast(values[s.name]) for s in SETTINGS if values.get(s.name) is not None})


def params_dict(params: TrainParams) -> dict[str, Any]:
    """The parameters as a plain dict (for the model card and the JSON output)."""
    return {s.name: getattr(params, s.name) for s in SETTINGS}
