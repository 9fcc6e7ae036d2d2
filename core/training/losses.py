"""The training losses a fine-tuning run can use, and the rows each one trains on.

Every loss learns from the same prepared pairs: each anchor's positive, and its negatives (given in the
file or mined from the base model). MultipleNegativesRankingLoss uses them as columns beside the
in-batch negatives; TripletLoss takes the first negative; ContrastiveLoss and CoSENTLoss take labelled
pairs: the positive with label 1, each negative with label 0. Given scored pairs (a file with a label or
score column), ContrastiveLoss trains on their labels 0 or 1 and CoSENTLoss on their scores, and nothing is mined.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import UserError
from core.training.pairs import PairSet

TRIPLET_MARGIN = 0.5  # cosine-distance margin: a negative must be this much farther than the positive


@dataclass(frozen=True)
class Loss:
    """A loss: its name, what it does, whether it needs negatives, whether batches must hold distinct texts
    (in-batch negatives), how many training rows one pair becomes, and the rows and loss module themselves."""

    key: str
    title: str
    note: str
    needs_negatives: bool
    in_batch: bool
    columns: Callable[[PairSet, Sequence[Sequence[str]]], dict[str, list]]
    module: Callable[[Any], Any]
    scored: str = ""  # what it reads of a scored pairs file: "labels" (0 or 1), "scores" (any range), or nothing

    def rows_per_pair(self, negatives: int) -> int:
        return 1 + negatives if self.key in ("contrastive", "cosent") else 1

    def dataset(self, pairs: PairSet, negatives: Sequence[Sequence[str]]):
        """A `datasets.Dataset` of this loss's rows, built from in-memory lists."""
        from datasets import Dataset

        if pairs.scores is not None and not self.scored:
            raise UserError(f"{self.title} trains on anchor/positive pairs, not on scored pairs; choose "
                            f"{' or '.join(x.title for x in LOSSES.values() if x.scored)} for a score column.")
        if self.needs_negatives and pairs.scores is None and not any(negatives):
            raise UserError(f"{self.title} needs a negative for each anchor: give a negative column, or mine hard "
                            "negatives (at least one per anchor).")
        return Dataset.from_dict(self.columns(pairs, negatives))


def _with_negatives(pairs: PairSet, negatives: Sequence[Sequence[str]]) -> dict[str, list]:
    columns: dict[str, list] = {"anchor": list(pairs.anchors), "positive": list(pairs.positives)}
    k = min((len(n) for n in negatives), default=0)
    for j in range(k):
        columns[f"negative_{j + 1}"] = [n[j] for n in negatives]
    return columns


def _triplets(pairs: PairSet, negatives: Sequence[Sequence[str]]) -> dict[str, list]:
    kept = [i for i, n in enumerate(negatives) if n]
    return {"anchor": [pairs.anchors[i] for i in kept], "positive": [pairs.positives[i] for i in kept],
            "negative": [negatives[i][0] for i in kept]}


def _labelled(value: Callable[[int], Any]) -> Callable[[PairSet, Sequence[Sequence[str]]], dict[str, list]]:
    def columns(pairs: PairSet, negatives: Sequence[Sequence[str]]) -> dict[str, list]:
        if pairs.scores is not None:
            return {"sentence1": list(pairs.anchors), "sentence2": list(pairs.positives),
                    "label": [value(s) for s in pairs.scores.tolist()]}
        first, second, labels = [], [], []
        for anchor, positive, own in zip(pairs.anchors, pairs.positives, negatives):
            for text, label in [(positive, 1), *((n, 0) for n in own)]:
                first.append(anchor)
                second.append(text)
                labels.append(value(label))
        return {"sentence1": first, "sentence2": second, "label": labels}
    return columns


def _mnrl(model):
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    return MultipleNegativesRankingLoss(model)


def _triplet(model):
    from sentence_transformers.sentence_transformer.losses import TripletDistanceMetric, TripletLoss

    return TripletLoss(model, distance_metric=TripletDistanceMetric.COSINE, triplet_margin=TRIPLET_MARGIN)


def _contrastive(model):
    from sentence_transformers.sentence_transformer.losses import ContrastiveLoss

    return ContrastiveLoss(model)


def _cosent(model):
    from sentence_transformers.sentence_transformer.losses import CoSENTLoss

    return CoSENTLoss(model)


LOSSES: dict[str, Loss] = {loss.key: loss for loss in (
    Loss("mnrl", "MultipleNegativesRankingLoss",
         "MultipleNegativesRankingLoss (Henderson et al., 2017): for each anchor, softmax cross-entropy over cosine "
         "similarities x 20 to its positive, the other pairs' positives in the batch and its hard negatives; "
         "batches never hold the same text twice.", needs_negatives=False, in_batch=True, columns=_with_negatives,
         module=_mnrl),
    Loss("triplet", "TripletLoss",
         f"TripletLoss (Schroff et al., 2015): each anchor's cosine distance to its positive must be at least "
         f"{TRIPLET_MARGIN} smaller than to its first negative.", needs_negatives=True, in_batch=False,
         columns=_triplets, module=_triplet),
    Loss("contrastive", "ContrastiveLoss",
         "ContrastiveLoss (Hadsell et al., 2006): labelled pairs (the positive 1, each negative 0); positives are "
         "pulled together, negatives pushed past a cosine-distance margin of 0.5; a file's label column (0 or 1) "
         "gives the labels instead.", needs_negatives=True, in_batch=False, columns=_labelled(int),
         module=_contrastive, scored="labels"),
    Loss("cosent", "CoSENTLoss",
         "CoSENTLoss (Su, 2022): scored pairs (the positive 1.0, each negative 0.0); every pair scored higher must "
         "have a higher cosine than every pair scored lower; a file's score column (any range, scaled to 0-1) gives "
         "the scores instead.", needs_negatives=True, in_batch=False, columns=_labelled(float), module=_cosent,
         scored="scores"),
)}
