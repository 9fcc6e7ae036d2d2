"""`python -m core evaluate`: word similarity, Lee documents, labels and retrieval, for one model or several."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.cli.args import add_csv_raw_argument, add_setting_argument
from core.cli.graphs import add_graph_arguments, add_link_prediction, add_link_prediction_argument, graph_embedded
from core.cli.outputs import print_csv
from core.cli.tables import add_table_arguments, table_embedded
from core.errors import UserError
from core.evaluation import classification, compare, lee, retrieval, word_similarity
from core.evaluation.suite import EvaluationRequest, ModelEvaluation, compare_models, evaluate_model, per_point_table
from core.evaluation.word_similarity import RESTRICT_VOCAB, WORD_SETS
from core.indexlab.settings import METRIC

FAILED_SHOWN = 20


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _pairs(names: list[str]) -> list[word_similarity.WordPairs]:
    """Built-in sets by name, any other name as a file of pairs."""
    out = []
    for name in names:
        if name in WORD_SETS:
            out.append(word_similarity.builtin_pairs(name))
        elif Path(name).is_file():
            out.append(word_similarity.parse_pairs(Path(name).read_text(encoding="utf-8"), name=Path(name).name))
        else:
            raise UserError(f"'{name}' is neither a built-in word set ({', '.join(WORD_SETS)}) nor a file.")
    return out


def _request(args: argparse.Namespace) -> EvaluationRequest:
    """The evaluations the arguments ask for (labels are also compared with KMeans clusters of the vectors)."""
    return EvaluationRequest(word_sets=tuple(_pairs(args.word_similarity or [])), restrict_vocab=args.restrict_vocab,
                             lee=args.lee, label_column=args.label_column, query_column=args.query_column,
                             label_clusters=True, knn_metric=getattr(args, METRIC.key))


def _figures(found: ModelEvaluation) -> dict[str, Any]:
    """One model's plain JSON figures."""
    doc: dict[str, Any] = {"model": found.model}
    if found.word_similarity is not None:
        doc["word_similarity"] = [r.as_dict() for r in found.word_similarity]
    if found.lee is not None:
        doc["lee_documents"] = found.lee.as_dict()
    if found.labels is not None:
        ev = found.labels.evaluation
        misclassified = int((ev.outcome() != "correct").sum())
        doc["labels"] = {**ev.figures(), "points": len(ev.labels), "misclassified": misclassified,
                         "top_confusions": classification.top_confusions(ev.confusion()).to_dict(orient="records")}
    if found.retrieval is not None:
        result, failed = found.retrieval.result, found.retrieval.failed
        doc["retrieval"] = {**result.metrics(), "queries": len(result.ranks), "failed_at_1": len(failed),
                            "failed_queries": failed.head(FAILED_SHOWN).to_dict(orient="records")}
    return doc


def _conventions(args: argparse.Namespace, several: bool) -> dict[str, str]:
    out = {}
    if args.word_similarity:
        from core.embedding.models import is_word_vocabulary

        kinds = {is_word_vocabulary(m) for m in args.model}
        out["word_similarity"] = " ".join(([word_similarity.CONVENTIONS.format(n=args.restrict_vocab)] if True in kinds
                                           else []) + ([word_similarity.SENTENCE_CONVENTIONS] if False in kinds else []))
    if args.lee:
        out["lee_documents"] = lee.CONVENTIONS + " TF-IDF + SVD is fitted on lee_background.cor plus the 50."
    if args.label_column:
        out["labels"] = (classification.conventions(getattr(args, METRIC.key))
                         + " macro_f1 is logistic regression's. ari and nmi: KMeans on "
                         "the unit vectors with one cluster per label (n_init=10, random_state=0).")
    if args.query_column:
        out["retrieval"] = retrieval.CONVENTIONS
    if several:
        out["comparison"] = compare.CONVENTIONS
    return out


def _comparison(evaluations: list[ModelEvaluation]) -> dict[str, Any]:
    """Models side by side with bootstrap intervals, and a sentence per pair of models."""
    return {task: {"table": c.table.to_dict(orient="records"), "notes": c.notes}
            for task, c in compare_models(evaluations).items()}


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Run the evaluations and print JSON (or CSV of the per-set figures)."""
    from core.cli.inputs import load_input

    if args.word_similarity == []:
        args.word_similarity = list(WORD_SETS)
    if args.input is None and not (args.word_similarity or args.lee):
        args.word_similarity, args.lee = list(WORD_SETS), True
    if args.input is not None and not (args.label_column or args.query_column or args.link_prediction):
        raise UserError("With an input file, give --label-column (classification), --query-column (retrieval) "
                        "or, for a graph, --link-prediction.")
    dataset = load_input(args) if args.input is not None else None
    request = _request(args)
    found = [evaluate_model(model, request, data=dataset, progress=_progress,
                            embedded=table_embedded(args, model, dataset, progress=_progress)
                            or graph_embedded(args, model, dataset, progress=_progress))
             for model in args.model]
    payload: dict[str, Any] = {"conventions": _conventions(args, len(found) > 1)}
    payload |= _figures(found[0]) if len(found) == 1 else {"models": [_figures(f) for f in found],
                                                           "comparison": _comparison(found)}
    add_link_prediction(payload, args, dataset)
    per_point = per_point_table(dataset, found) if dataset is not None else None
    if args.out and per_point is not None:
        from core.cli.outputs import write_table

        write_table(per_point, Path(args.out), raw=args.csv_raw)
    if args.format == "json":
        print(json.dumps(payload, indent=2, ensure_ascii=False, default=_plain))
    else:
        print_csv(_flat(payload), raw=args.csv_raw, float_format="%.6g")
    return 0


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _flat(payload: dict[str, Any]) -> pd.DataFrame:
    """One row per model and evaluation with its figures (CSV output)."""
    rows = []
    for doc in payload.get("models", [payload]):
        for r in doc.get("word_similarity", []):
            rows.append({"model": doc["model"], "evaluation": r["set"], **{k: v for k, v in r.items() if k != "set"}})
        for key in ("lee_documents", "labels", "retrieval", "link_prediction"):
            if key in doc:
                figures = {k: v for k, v in doc[key].items() if not isinstance(v, (list, dict))}
                rows.append({"model": doc["model"], "evaluation": key, **figures})
    return pd.DataFrame(rows)


def add_evaluate_command(sub: argparse._SubParsersAction) -> None:
    """Register `evaluate` on the main parser."""
    from core.embedding.models import DEFAULT_MODEL

    ev = sub.add_parser("evaluate", help="how good is a model: word similarity, Lee documents, labels, retrieval")
    ev.add_argument("input", nargs="?", help="a table with labels or queries, or builtin:NAME (omit for word sets)")
    ev.add_argument("--column", help="the text column")
    ev.add_argument("--model", nargs="+", default=[DEFAULT_MODEL],
                    help=f"one or more models (default {DEFAULT_MODEL}); st:NAME|PATH for a local model")
    ev.add_argument("--word-similarity", nargs="*", metavar="SET",
                    help=f"word sets: {', '.join(WORD_SETS)} or a file of 'word<TAB>word<TAB>score' lines")
    ev.add_argument("--lee", action="store_true", help="correlation with the Lee corpus human document ratings")
    ev.add_argument("--restrict-vocab", type=int, default=RESTRICT_VOCAB,
                    help=f"GloVe: only the N most frequent words count (default {RESTRICT_VOCAB:,}, as gensim)")
    ev.add_argument("--label-column", help="labels: 10-NN and logistic regression by stratified 5-fold CV")
    add_setting_argument(ev, METRIC)
    ev.add_argument("--query-column", help="queries: each row's query should retrieve that row's text")
    ev.add_argument("--out", help="per-point results (.csv or .parquet): out-of-fold predictions, retrieval ranks")
    ev.add_argument("--format", choices=("json", "csv"), default="json")
    add_csv_raw_argument(ev)
    add_table_arguments(ev)
    add_graph_arguments(ev)
    add_link_prediction_argument(ev)
    ev.set_defaults(func=cmd_evaluate)
