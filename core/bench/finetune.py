"""Bench section "finetune": our training path against a plain SentenceTransformerTrainer, and recall before/after.

Pairs are consecutive sentences of one Lee document; 20% of the documents are held out. Both paths train
MiniLM for one epoch on the same 1,000 training pairs (with one mined hard negative each) with the same
settings; pairs/s counts the training loop only (the model is loaded before the clock starts).
"""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

MODEL_KEY = "minilm"


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _plain_pairs_per_s(dataset, params) -> float:
    """A plain SentenceTransformerTrainer on the same dataset with the same settings."""
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers.trainer_callback import PrinterCallback

    from core.embedding.models import load_sentence_model

    model = load_sentence_model(MODEL_KEY)
    model.max_seq_length = params.max_seq_length
    with tempfile.TemporaryDirectory() as scratch:
        args = SentenceTransformerTrainingArguments(
            output_dir=scratch, num_train_epochs=params.epochs, per_device_train_batch_size=params.batch_size,
            learning_rate=params.learning_rate, warmup_steps=float(params.warmup_ratio), seed=params.seed,
            data_seed=params.seed, batch_sampler=BatchSamplers.NO_DUPLICATES, report_to="none", save_strategy="no",
            logging_strategy="no", disable_tqdm=True, dataloader_pin_memory=False)
        trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=dataset,
                                             loss=MultipleNegativesRankingLoss(model))
        trainer.remove_callback(PrinterCallback)  # stdout carries the bench's one JSON object
        start = time.perf_counter()
        trainer.train()
        return len(dataset) / (time.perf_counter() - start)


@dataclass(frozen=True)
class FinetuneSizes:
    """From how many Lee documents the pairs are made (None: every one), and how many of them both paths train on."""

    documents: int | None = None
    pairs: int = 1000
    lora_rank: int = 8


def bench_finetune(workdir: Path, sizes: FinetuneSizes) -> dict[str, float]:
    """Pairs/s of ours vs plain on 1,000 Lee pairs, held-out recall@10 before and after our fine-tune, and a LoRA
    adapter's pairs/s, folder size and recall against the full fine-tune's."""
    from core.data.builtins import lee_sentences
    from core.training.pairs import pairs_from_groups, sample
    from core.training.run import finetune, prepare
    from core.training.settings import TrainParams
    from core.training.train import negative_columns, negatives_per_anchor, training_dataset

    lee = lee_sentences().frame
    lee = lee[lee["document"].isin(lee["document"].unique()[:sizes.documents])]
    pairs = pairs_from_groups(lee["text"].tolist(), lee["document"].tolist(), name="document")
    params = TrainParams(epochs=1, batch_size=32, hard_negatives=1)
    _log(f"finetune: {len(pairs):,} Lee pairs; embedding and mining")
    prepared = prepare(pairs, MODEL_KEY, params)
    prepared.train = sample(prepared.train, sizes.pairs, seed=params.seed)
    prepared = prepare_subset(prepared, params)
    k = negatives_per_anchor(prepared.train, params.hard_negatives)
    dataset = training_dataset(prepared.train, negative_columns(prepared.train, prepared.mined, k, seed=params.seed))
    _log(f"finetune: plain trainer on {len(dataset):,} pairs")
    plain = _plain_pairs_per_s(dataset, params)
    _log(f"finetune: plain {plain:.2f} pairs/s; ours on the same pairs")
    result = finetune(prepared, MODEL_KEY, params, out=workdir / "model")
    ours = len(prepared.train) / result.card["time"]["training_seconds"]
    before, after = result.before.metrics(), result.after.metrics()
    _log("finetune: a LoRA adapter on the same pairs")
    lora = finetune(prepared, MODEL_KEY, replace(params, lora_rank=sizes.lora_rank), out=workdir / "lora")
    lora_pairs_per_s = len(prepared.train) / lora.card["time"]["training_seconds"]
    return {
        "lora_train_pairs_per_s": round(lora_pairs_per_s, 2),
        "lora_train_ratio": round(lora_pairs_per_s / ours, 3),
        "lora_folder_mb": _folder_mb(lora.folder),
        "finetune_folder_mb": _folder_mb(result.folder),
        "lora_folder_ratio": round(_folder_mb(lora.folder) / _folder_mb(result.folder), 3),
        "lora_recall_at_10_after": round(lora.after.metrics()["recall_at_10"], 4),
        "finetune_pairs_per_s": round(ours, 2),
        "finetune_baseline_pairs_per_s": round(plain, 2),
        "finetune_ratio": round(ours / plain, 3),
        "finetune_pairs": len(prepared.train),
        "finetune_held_out_pairs": len(prepared.held),
        "finetune_recall_at_10_before": round(before["recall_at_10"], 4),
        "finetune_recall_at_10_after": round(after["recall_at_10"], 4),
        "finetune_recall_ratio": round(after["recall_at_10"] / max(before["recall_at_10"], 1e-9), 3),
        "finetune_mrr_at_10_before": round(before["mrr_at_10"], 4),
        "finetune_mrr_at_10_after": round(after["mrr_at_10"], 4),
    }


def _folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 2)


def prepare_subset(prepared, params):
    """The mined negatives of the sampled training pairs (mined again among their own texts)."""
    from core.training import mining

    corpus = prepared.train.texts()
    prepared.mined = mining.mine_hard_negatives(prepared.train, corpus, prepared.vectors[prepared.rows(corpus)],
                                                k=params.hard_negatives, margin=params.margin)
    return prepared
