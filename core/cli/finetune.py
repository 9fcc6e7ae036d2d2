"""`python -m core finetune`: contrastive fine-tuning on pairs, with the held-out figures before and after."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.cli.args import add_csv_raw_argument, add_setting_argument
from core.cli.outputs import print_csv
from core.errors import UserError
from core.training.losses import LOSSES
from core.training.settings import SETTINGS, TrainParams


def _progress(what: str):
    def tick(done: int, total: int) -> None:
        print(f"\r{what} {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    return tick


def _pairs(args: argparse.Namespace):
    """The pairs the options name: anchor/positive columns, a grouping column or a label column."""
    from core.cli.inputs import load_input
    from core.training import pairs as build

    chosen = [bool(args.anchor_column or args.positive_column), bool(args.group_column), bool(args.label_column)]
    if sum(chosen) != 1:
        raise UserError("Give --anchor-column and --positive-column (a pairs file), or --group-column, or "
                        "--label-column (with --column for the text).")
    if chosen[0] and not (args.anchor_column and args.positive_column):
        raise UserError("A pairs file needs both --anchor-column and --positive-column.")
    if chosen[0] and args.column is None:
        args.column = args.anchor_column
    check_score_column(args, pairs_file=chosen[0])
    dataset = load_input(args)
    frame = dataset.frame
    if args.score_column:
        loss = LOSSES[args.loss]
        return build.scored_pairs_from_columns(frame, args.anchor_column, args.positive_column, args.score_column,
                                               labels=loss.scored == "labels", needed_by=loss.title)
    if chosen[0]:
        return build.pairs_from_columns(frame, args.anchor_column, args.positive_column, args.negative_column)
    name = args.group_column or args.label_column
    if name not in frame.columns:
        raise UserError(f"The column '{name}' is not in the data. Columns: {', '.join(map(str, frame.columns))}.")
    if args.group_column:
        return build.pairs_from_groups(dataset.texts, frame[name].tolist(), name=name)
    return build.pairs_from_labels(dataset.texts, frame[name].tolist(), seed=args.seed, name=name)


def check_score_column(args: argparse.Namespace, *, pairs_file: bool) -> None:
    """--score-column goes with a pairs file, a loss that reads it, and no negative column."""
    if not args.score_column:
        return
    loss = LOSSES[args.loss]
    if not loss.scored:
        raise UserError(f"--score-column is read by {_scored_losses()} only; {loss.title} trains on anchor/positive "
                        "pairs.")
    if not pairs_file or args.negative_column:
        raise UserError("--score-column goes with --anchor-column and --positive-column (the two texts of each "
                        "scored pair) and without --negative-column.")


def _scored_losses() -> str:
    return " and ".join(f"--loss {x.key} ({x.scored})" for x in LOSSES.values() if x.scored)


def _payload(result, args: argparse.Namespace) -> dict[str, Any]:
    card = result.card
    doc = {"model": result.key, "folder": str(result.folder), "base_model": card["base_model"]["key"],
           "data": card["data"], "parameters": card["parameters"], "training_seconds": card["time"]["training_seconds"],
           "steps": card["time"]["steps"], "evaluation": {k: v for k, v in card["evaluation"].items()
                                                         if k not in ("before", "after")},
           "before": card["evaluation"]["before"], "after": card["evaluation"]["after"]}
    if args.weat:
        from core.training.space import weat_before_after

        doc["weat"] = weat_before_after(args.model, result.key).to_dict(orient="records")
    return doc


def cmd_finetune(args: argparse.Namespace) -> int:
    """Build the pairs, train, and print the held-out retrieval figures before and after."""
    from core.training.run import finetune, prepare

    params = TrainParams(**{s.name: getattr(args, s.key) for s in SETTINGS})
    pairs = _pairs(args)
    if args.sample and args.sample < len(pairs):
        from core.training.pairs import sample

        pairs = sample(pairs, args.sample, seed=params.seed)
    prepared = prepare(pairs, args.model, params, progress=_progress("encoding"))
    print(f"{len(prepared.train):,} training pairs, {len(prepared.held):,} held out, "
          + (pairs.source if pairs.scores is not None else f"{prepared.mined.count:,} hard negatives mined")
          + (f"; a LoRA adapter of rank {params.lora_rank} at learning rate {params.lora_learning_rate:g} "
             "(--lora-learning-rate)" if params.lora_rank else ""), file=sys.stderr)
    result = finetune(prepared, args.model, params, out=Path(args.out) if args.out else None,
                      progress=_progress("training step"), status=lambda s: print(s, file=sys.stderr))
    payload = _payload(result, args)
    if args.format == "json":
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        rows = [{"metric": m, "before": payload["before"][m], "after": payload["after"][m]} for m in payload["before"]]
        print_csv(pd.DataFrame(rows), raw=args.csv_raw, float_format="%.6g")
    print(f"model written to {result.folder}", file=sys.stderr)
    return 0


def _score_help(scored: str) -> str:
    return "label, 0 or 1" if scored == "labels" else "score on any range (scaled to 0-1)"


def add_finetune_command(sub: argparse._SubParsersAction) -> None:
    """Register `finetune` on the main parser."""
    from core.embedding.models import DEFAULT_MODEL, sentence_base

    ft = sub.add_parser("finetune", help="fine-tune a sentence model on pairs (contrastive, with hard negatives)")
    ft.add_argument("input", metavar="PAIRS", help="a table of pairs, or texts with a group or label column, "
                                                   "or builtin:NAME")
    ft.add_argument("--anchor-column", help="the anchor of each pair")
    ft.add_argument("--positive-column", help="the text each anchor should find")
    ft.add_argument("--negative-column", help="optional: a text each anchor should not find")
    ft.add_argument("--score-column", help="optional, for scored pairs: "
                    + "; ".join(f"with --loss {x.key}, the pair's {_score_help(x.scored)}" for x in LOSSES.values()
                                if x.scored))
    ft.add_argument("--group-column", help="instead of pairs: consecutive texts of one group are pairs")
    ft.add_argument("--label-column", help="instead of pairs: two texts with the same label are a pair")
    ft.add_argument("--column", help="the text column (with --group-column or --label-column)")
    ft.add_argument("--model", default=sentence_base(DEFAULT_MODEL),
                    help=f"base model (default {sentence_base(DEFAULT_MODEL)}) or st:NAME|PATH of a "
                         "sentence-transformers model")
    for setting in SETTINGS:
        add_setting_argument(ft, setting)
    ft.add_argument("--sample", type=int, help="train on at most N pairs, drawn at random (seeded)")
    ft.add_argument("--out", help="the new model's folder (default: a new folder under the data folder's models/)")
    ft.add_argument("--weat", action="store_true", help="also WEAT/SEAT effect sizes before and after")
    ft.add_argument("--format", choices=("json", "csv"), default="json")
    add_csv_raw_argument(ft)
    ft.set_defaults(func=cmd_finetune)
