"""`python -m core evaluate`: word similarity, Lee documents, labels and retrieval, for one model or several."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.cli.args import add_csv_raw_argument
from core.cli.outputs import print_csv
from core.errors import UserError
from core.evaluation import classification, compare, lee, retrieval, word_similarity
from core.evaluation.word_similarity import RESTRICT_VOCAB, WORD_SETS

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


def _column(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    if name not in frame.columns:
        raise UserError(f"The {what} column '{name}' is not in the file. Columns: {', '.join(map(str, frame.columns))}.")
    return frame[name]


def _intrinsic(args: argparse.Namespace, model: str) -> dict[str, Any]:
    from core.evaluation.evaluate import lee_similarity, model_encoder
    from core.evaluation.evaluate import word_similarity as run_words

    encode = model_encoder(model, progress=_progress)
    doc: dict[str, Any] = {}
    if args.word_similarity:
        results = run_words(model, _pairs(args.word_similarity), restrict_vocab=args.restrict_vocab, encode=encode)
        doc["word_similarity"] = [r.as_dict() for r in results]
        doc["_word_results"] = results
    if args.lee:
        doc["lee_documents"] = lee_similarity(model, encode=encode).as_dict()
    return doc


def _labels(args: argparse.Namespace, dataset, model: str) -> dict[str, Any]:
    from core.embedding.encode import embed_dataset
    from core.evaluation.evaluate import evaluate_labels, text_clusters

    embedded, _ = embed_dataset(dataset, model, progress=_progress)
    labels = classification.check_labels(_column(embedded.frame, args.label_column, "label"))
    clusters = text_clusters(embedded.vectors, len(set(labels)))
    ev = evaluate_labels(embedded.vectors, labels, clusters=clusters)
    matrix = ev.confusion()
    return {"labels": {**ev.figures(), "points": len(labels), "misclassified": int((ev.outcome() != "correct").sum()),
                       "top_confusions": classification.top_confusions(matrix).to_dict(orient="records")},
            "_label_eval": ev, "_rows": embedded.source_rows}


def _retrieval(args: argparse.Namespace, dataset, model: str) -> dict[str, Any]:
    from core.evaluation.evaluate import encode_queries_and_texts

    queries = _column(dataset.frame, args.query_column, "query").astype(str).tolist()
    q, t = encode_queries_and_texts(model, queries, dataset.texts, progress=_progress)
    result = retrieval.rank_queries(q, t)
    failed = retrieval.failed_queries(result, queries, dataset.texts)
    return {"retrieval": {**result.metrics(), "queries": len(queries), "failed_at_1": len(failed),
                          "failed_queries": failed.head(FAILED_SHOWN).to_dict(orient="records")},
            "_retrieval": result, "_rows": dataset.source_rows}


def evaluate_model(args: argparse.Namespace, dataset, model: str) -> dict[str, Any]:
    """Every evaluation the arguments ask for, for one model (keys starting with _ hold the raw results)."""
    doc: dict[str, Any] = {"model": model, **_intrinsic(args, model)}
    if dataset is not None and args.label_column:
        doc |= _labels(args, dataset, model)
    if dataset is not None and args.query_column:
        doc |= _retrieval(args, dataset, model)
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
        out["labels"] = (classification.CONVENTIONS + " macro_f1 is logistic regression's. ari and nmi: KMeans on "
                         "the unit vectors with one cluster per label (n_init=10, random_state=0).")
    if args.query_column:
        out["retrieval"] = retrieval.CONVENTIONS
    if several:
        out["comparison"] = compare.CONVENTIONS
    return out


def _comparison(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Models side by side with bootstrap intervals, and a sentence per pair of models."""
    from core.evaluation import evaluate as ev

    out: dict[str, Any] = {}
    tables = {}
    if "_word_results" in docs[0]:
        tables["word_similarity"] = (ev.word_comparison_table({d["model"]: d["_word_results"] for d in docs}),
                                     "spearman")
    if "_label_eval" in docs[0]:
        tables["labels"] = (ev.comparison_table({d["model"]: d["_label_eval"] for d in docs}), "logreg_accuracy")
    if "_retrieval" in docs[0]:
        tables["retrieval"] = (ev.retrieval_comparison_table({d["model"]: d["_retrieval"] for d in docs}),
                               "recall_at_1")
    for name, (table, metric) in tables.items():
        groups = table.groupby("set") if "set" in table else [(None, table)]
        notes = [s for _, part in groups for s in compare.overlap_sentences(part, metric)]
        out[name] = {"table": table.to_dict(orient="records"), "notes": notes}
    return out


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _per_point(dataset, docs: list[dict[str, Any]]) -> pd.DataFrame | None:
    """Per source row and model: the out-of-fold predictions and the retrieval ranks (empty where not embedded)."""
    parts = []
    for d in docs:
        if "_label_eval" in d:
            table = d["_label_eval"].per_point().drop(columns="label")
            parts.append(table.set_axis(d["_rows"]).add_prefix(f"{d['model']}:"))
        if "_retrieval" in d:
            table = d["_retrieval"].per_query()[["rank"]]
            parts.append(table.set_axis(d["_rows"]).add_prefix(f"{d['model']}:retrieval_"))
    if not parts:
        return None
    return dataset.frame.set_axis(dataset.source_rows).join(pd.concat(parts, axis=1)).reset_index(drop=True)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Run the evaluations and print JSON (or CSV of the per-set figures)."""
    from core.cli.inputs import load_input

    if args.word_similarity == []:
        args.word_similarity = list(WORD_SETS)
    if args.input is None and not (args.word_similarity or args.lee):
        args.word_similarity, args.lee = list(WORD_SETS), True
    if args.input is not None and not (args.label_column or args.query_column):
        raise UserError("With an input file, give --label-column (classification) or --query-column (retrieval).")
    dataset = load_input(args) if args.input is not None else None
    docs = [evaluate_model(args, dataset, model) for model in args.model]
    payload: dict[str, Any] = {"conventions": _conventions(args, len(docs) > 1)}
    payload |= _public(docs[0]) if len(docs) == 1 else {"models": [_public(d) for d in docs],
                                                       "comparison": _comparison(docs)}
    per_point = _per_point(dataset, docs) if dataset is not None else None
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
        for key in ("lee_documents", "labels", "retrieval"):
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
    ev.add_argument("--query-column", help="queries: each row's query should retrieve that row's text")
    ev.add_argument("--out", help="per-point results (.csv or .parquet): out-of-fold predictions, retrieval ranks")
    ev.add_argument("--format", choices=("json", "csv"), default="json")
    add_csv_raw_argument(ev)
    ev.set_defaults(func=cmd_evaluate)
