"""The settings of a static model trained on the user's corpus (Word2Vec, fastText, Doc2Vec), each defined once.

`StaticParams`, the `train-static` command's options and the page's widgets all derive from `STATIC_SETTINGS`.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from core.setting import Setting

METHODS = ("word2vec", "fasttext", "doc2vec")
METHOD_LABELS = ("Word2Vec", "fastText (sub-words)", "Doc2Vec")
SMALL_CORPUS_WORDS = 2_000_000  # below this, one worker (reproducible) costs little

STATIC_SETTINGS: tuple[Setting, ...] = (
    Setting("method", "method", "Method", "word2vec", choices=METHODS, choice_labels=METHOD_LABELS,
            widget="segmented", help="word2vec, fasttext (vectors for unseen words from sub-words) or doc2vec"),
    Setting("sg", "sg", "Architecture", 1, choices=(0, 1), choice_labels=("CBOW / PV-DM", "skip-gram / PV-DBOW"),
            widget="radio", help="0: CBOW (Doc2Vec: PV-DM), 1: skip-gram (Doc2Vec: PV-DBOW)"),
    Setting("vector_size", "vector_size", "Vector size", 100, bounds=(8, 1000), widget="number",
            help="dimensions of each vector"),
    Setting("window", "window", "Window", 5, bounds=(1, 50), widget="number", help="words on each side in context"),
    Setting("min_count", "min_count", "Minimum count", 2, bounds=(1, 1000), widget="number",
            help="words seen fewer times are left out of the vocabulary"),
    Setting("epochs", "epochs", "Epochs", 5, bounds=(1, 200), widget="number", help="passes over the corpus"),
    Setting("negative", "negative", "Negative samples", 5, bounds=(1, 30), widget="number",
            help="noise words drawn per positive example"),
    Setting("seed", "seed", "Seed", 0, bounds=(0, 2**31 - 1), widget="number", help="random seed"),
    Setting("workers", "workers", "Workers", 1, bounds=(1, 16), widget="number",
            help="training threads; with one worker and a seed, a run is reproducible"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in STATIC_SETTINGS}


@dataclass(frozen=True)
class StaticParams:
    """Everything that determines a static training run: one field per row of `STATIC_SETTINGS`."""

    method: str = BY_NAME["method"].default
    sg: int = BY_NAME["sg"].default
    vector_size: int = BY_NAME["vector_size"].default
    window: int = BY_NAME["window"].default
    min_count: int = BY_NAME["min_count"].default
    epochs: int = BY_NAME["epochs"].default
    negative: int = BY_NAME["negative"].default
    seed: int = BY_NAME["seed"].default
    workers: int = BY_NAME["workers"].default

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def architecture(self) -> str:
        """The architecture in words (CBOW, skip-gram, PV-DM or PV-DBOW)."""
        if self.method == "doc2vec":
            return "PV-DBOW" if self.sg else "PV-DM"
        return "skip-gram" if self.sg else "CBOW"

    @property
    def reproducible(self) -> bool:
        return self.workers == 1


def static_params_from(values: dict[str, Any]) -> StaticParams:
    """StaticParams from values keyed by setting name; missing or None values take the default."""
    return StaticParams(**{s.name: s.cast(values[s.name]) for s in STATIC_SETTINGS if values.get(s.name) is not None})
