"""A fine-tuning run end to end: split, mine, evaluate before, train, evaluate after, save with a card."""
from __future__ import annotations

import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding.models import CUSTOM_PREFIX, load_sentence_model, model_title
from core.errors import Cancelled
from core.training import heldout, mining, store
from core.training.losses import LOSSES
from core.training.pairs import PairSet, split
from core.training.settings import params_dict
from core.training.train import fit, negative_columns, negatives_per_anchor, training_dataset

Status = Callable[[str], None]
Progress = Callable[[int, int], None]
CARD_VERSION = 1


class TrainingCancelled(Cancelled):
    """The user stopped the run; nothing was written."""


@dataclass
class Prepared:
    """The pairs split, the base model's vectors of every text, and the mined negatives of the training pairs."""

    train: PairSet
    held: PairSet
    texts: list[str]
    vectors: np.ndarray  # base model, unit rows aligned with `texts`
    mined: mining.Mined

    def rows(self, texts: list[str]) -> np.ndarray:
        index = {t: i for i, t in enumerate(self.texts)}
        return np.asarray([index[t] for t in texts], dtype=int)


@dataclass
class FinetuneResult:
    key: str  # st:<folder>
    folder: Path
    card: dict[str, Any]
    held: PairSet
    before: heldout.HeldOut
    after: heldout.HeldOut
    held_texts: list[str] = field(default_factory=list)
    held_before: np.ndarray | None = None  # unit vectors of held_texts, base model
    held_after: np.ndarray | None = None  # the same texts, fine-tuned model


def base_vectors(texts: list[str], base_key: str, *, get_embedder: Callable | None = None,
                 progress: Progress | None = None) -> np.ndarray:
    """Unit vectors of `texts` from the base model, through the on-disk cache."""
    from core.embedding.encode import embed_texts

    result = embed_texts(texts, base_key, get_embedder=get_embedder, progress=progress)
    return np.nan_to_num(result.vectors)


def prepare(pairs: PairSet, base_key: str, params: Any, *, get_embedder: Callable | None = None,
            progress: Progress | None = None) -> Prepared:
    """Split the pairs, embed every text with the base model, mine hard negatives among the training texts (none
    for scored pairs: their scores say which are negative)."""
    train, held = split(pairs, params.eval_split, seed=params.seed)
    texts = list(dict.fromkeys([*train.texts(), *held.texts()]))
    vectors = base_vectors(texts, base_key, get_embedder=get_embedder, progress=progress)
    prepared = Prepared(train, held, texts, vectors, mining.Mined([[] for _ in range(len(train))]))
    if train.scores is not None:
        return prepared
    corpus = train.texts()
    prepared.mined = mining.mine_hard_negatives(train, corpus, vectors[prepared.rows(corpus)],
                                                k=params.hard_negatives, margin=params.margin)
    return prepared


def _encoder(model) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: np.asarray(model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                                 show_progress_bar=False), dtype=np.float32)


def finetune(prepared: Prepared, base_key: str, params: Any, *, out: Path | None = None,
             progress: Progress | None = None, status: Status | None = None,
             cancel: threading.Event | None = None) -> FinetuneResult:
    """Train on the prepared pairs and write the model (with its card) to `out` (default: under models_dir())."""
    say = status or (lambda _: None)
    out = store.check_destination(out or store.default_model_dir(base_key))
    before_lookup = {t: v for t, v in zip(prepared.texts, prepared.vectors)}
    before = heldout.evaluate(prepared.held, lambda ts: np.stack([before_lookup[t] for t in ts]))
    say("Loading the base model")
    model = load_sentence_model(base_key)
    k = negatives_per_anchor(prepared.train, params.hard_negatives)
    dataset = training_dataset(prepared.train, negative_columns(prepared.train, prepared.mined, k, seed=params.seed),
                               params.loss)
    say("Training")
    started = datetime.now().astimezone()
    fitted = fit(model, dataset, params, progress=progress, cancel=cancel)
    if fitted.cancelled:
        raise TrainingCancelled(f"Training was cancelled after {fitted.steps} of {fitted.total_steps} steps; "
                                "no model was written.")
    say("Evaluating on the held-out pairs")
    after = heldout.evaluate(prepared.held, _encoder(model))
    card = make_card(prepared, base_key, params, fitted, started, before, after, k, out)
    say("Saving the model")
    with store.staged_folder(out) as tmp:
        model.save(str(tmp), create_model_card=False)
        store.write_card(tmp, card, card_readme(card))
    held_texts = prepared.held.texts()
    return FinetuneResult(f"{CUSTOM_PREFIX}{out}", out, card, prepared.held, before, after, held_texts,
                          prepared.vectors[prepared.rows(held_texts)], _encoder(model)(held_texts))


def make_card(prepared: Prepared, base_key: str, params: Any, fitted, started: datetime, before: heldout.HeldOut,
              after: heldout.HeldOut, k: int, out: Path) -> dict[str, Any]:
    """Everything the model card says: base model, data, loss, parameters, time, evaluation before and after."""
    import sentence_transformers
    import torch

    title = f"{model_title(base_key)}, fine-tuned on {prepared.train.source} ({started:%Y-%m-%d %H:%M})"
    return {
        "card_version": CARD_VERSION, "title": title, "folder": out.name, "created": started.isoformat(),
        "base_model": {"key": base_key, "title": model_title(base_key)},
        "data": {"source": prepared.train.source, "hash": prepared.train.data_hash(),
                 "held_out_hash": prepared.held.data_hash(), "training_pairs": len(prepared.train),
                 "held_out_pairs": len(prepared.held), "hard_negatives_mined": prepared.mined.count,
                 "negatives_per_anchor": k},
        "loss": LOSSES[params.loss].title, "loss_note": LOSSES[params.loss].note, "adapter": _adapter(params),
        "mining": mining.CONVENTIONS, "parameters": params_dict(params),
        "time": {"started": started.isoformat(), "training_seconds": round(fitted.seconds, 2),
                 "steps": fitted.steps, "machine": platform.machine(), "torch_threads": torch.get_num_threads()},
        "evaluation": {"held_out_pairs": len(prepared.held), "retrieval_pairs": after.retrieval_pairs,
                       **({"scored_pairs": after.scored_pairs} if after.spearman is not None else {}),
                       "before": before.metrics(), "after": after.metrics()},
        "libraries": {"sentence_transformers": sentence_transformers.__version__, "torch": torch.__version__},
    }


def run_summary(result: FinetuneResult) -> dict[str, Any]:
    """One row comparing runs: loss, full or LoRA, training time, folder size and held-out retrieval after."""
    card = result.card
    adapter = card.get("adapter")
    size = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
    return {"model": card["title"], "loss": card["loss"],
            "weights trained": f"LoRA rank {adapter['rank']}" if adapter else "all",
            "training s": card["time"]["training_seconds"], "folder MB": round(size / 2**20, 2),
            **{f"{m} after": v for m, v in card["evaluation"]["after"].items()}}


def _adapter(params: Any) -> dict[str, Any] | None:
    """What the card says of a LoRA adapter: rank, alpha, and that the folder holds only the adapter."""
    if not params.lora_rank:
        return None
    return {"kind": "LoRA", "rank": params.lora_rank, "alpha": params.lora_alpha,
            "note": "The folder holds only the adapter's weights; they load on top of the base model named in "
                    "adapter_config.json."}


def card_readme(card: dict[str, Any]) -> str:
    """The model card as Markdown (README.md of the folder)."""
    ev = card["evaluation"]
    rows = "\n".join(f"| {m} | {ev['before'][m]:.4f} | {ev['after'][m]:.4f} |" for m in ev["before"])
    params = "\n".join(f"- {k}: {v}" for k, v in card["parameters"].items())
    data = card["data"]
    return (f"# {card['title']}\n\nA sentence-transformers model: load it with "
            f"`SentenceTransformer(\"<this folder>\")`, or `--model st:<this folder>` in Embedding Explorer.\n\n"
            f"## Base model\n\n{card['base_model']['title']} (`{card['base_model']['key']}`)\n\n"
            f"## Data\n\n{data['source']}: {data['training_pairs']:,} training pairs, {data['held_out_pairs']:,} "
            f"held out; {data['hard_negatives_mined']:,} hard negatives mined, {data['negatives_per_anchor']} per "
            f"anchor. Data hash `{data['hash']}`.\n\n{card['mining']}\n\n"
            f"## Loss\n\n{card['loss_note']}\n\n"
            + (f"## Adapter\n\nLoRA, rank {card['adapter']['rank']}, alpha {card['adapter']['alpha']}. "
               f"{card['adapter']['note']}\n\n" if card.get("adapter") else "")
            + f"## Parameters\n\n{params}\n\n"
            f"## Time\n\nStarted {card['time']['started']}; {card['time']['training_seconds']:.1f} s of training, "
            f"{card['time']['steps']} steps.\n\n## Evaluation on the held-out pairs\n\n{heldout.CONVENTIONS}\n\n"
            f"| metric | before | after |\n|---|---|---|\n{rows}\n")
