"""The `weat` and `analogies` commands: the same core functions the audit pages call."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.audits.analogy import METHODS
from core.audits.ceat import CONTEXTS_RANGE, N_CONTEXTS, N_SAMPLES, SAMPLES_RANGE
from core.audits.weat import EXACT_LIMIT, N_PERMUTATIONS, SEED
from core.audits.weat_bootstrap import BOOTSTRAP_RANGE, CONFIDENCE, CONFIDENCE_RANGE, N_BOOTSTRAP
from core.audits.word_sources import DEFAULT_TEMPLATES
from core.audits.word_vectors import GLOVE_KEY
from core.cli.args import add_csv_raw_argument
from core.cli.outputs import print_csv

ANALOGY_VOCAB = 30_000
WEAT_METHODS = ("weat", "ceat")
DEFAULT_CORPUS = "builtin:lee-sentences"


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _percent_table(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.copy()
    for column in [c for c in shown.columns if c == "coverage" or c.endswith("accuracy")]:
        shown[column] = shown[column].map(lambda v: f"{v:.1%}")
    return shown


def _bounded(kind: type, bounds: tuple[float, float]):
    """argparse type: a number of `kind` within `bounds`, the message names the range."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not bounds[0] <= value <= bounds[1]:
            raise argparse.ArgumentTypeError(f"{text} is outside {bounds[0]:,}–{bounds[1]:,}")
        return value
    parse.__name__ = kind.__name__
    return parse


def _tests(args: argparse.Namespace) -> list:
    from core.audits.weat_sets import parse_custom_tests, select_tests

    tests = select_tests(args.tests) if args.tests else []
    for path in args.custom or []:
        tests += parse_custom_tests(Path(path).read_text(encoding="utf-8"), source=str(path))
    return tests


def weat_payload(args: argparse.Namespace) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run the chosen WEAT (or CEAT) tests; (JSON document, results table)."""
    from core.audits.weat_audit import WeatSettings, covered_tests, p_value_note, results_table, run_weats
    from core.audits.weat_sets import caliskan_citation
    from core.audits.word_sources import make_source

    tests = _tests(args)
    source = make_source(args.model, restrict_vocab=args.restrict_vocab, templates=args.template or DEFAULT_TEMPLATES,
                         progress=_progress)
    if args.method == "ceat":
        return _ceat_payload(args, tests, source)
    settings = WeatSettings(args.exact_limit, args.permutations, args.seed, args.bootstrap, args.confidence)
    tests, skipped = covered_tests(tests, source)
    for sentence in skipped:
        print(sentence, file=sys.stderr)
    results = run_weats(tests, source, settings)
    doc = {"model": args.model, "method": "weat", "word_source": source.label, "skipped": skipped,
           "templates": list(getattr(source, "templates", [])),
           "settings": {"exact_limit": settings.exact_limit, "permutations": settings.n_permutations,
                        "seed": settings.seed, "bootstrap": settings.n_bootstrap, "confidence": settings.confidence},
           "conventions": p_value_note(settings), "citation": caliskan_citation(),
           "results": [r.as_dict() for r in results]}
    return doc, results_table(results)


def _ceat_payload(args: argparse.Namespace, tests: list, source) -> tuple[dict[str, Any], pd.DataFrame]:
    from core.audits.ceat import CEAT_CITATION, CeatSettings, ceat_note, run_ceats_on_source
    from core.audits.weat_sets import caliskan_citation
    from core.cli.inputs import load_input

    corpus = load_input(argparse.Namespace(input=args.corpus))
    settings = CeatSettings(args.contexts, args.samples, args.seed, args.confidence)
    results = run_ceats_on_source(tests, source, corpus.texts, settings, progress=_progress)
    doc = {"model": args.model, "method": "ceat", "word_source": source.label, "corpus": args.corpus,
           "templates": list(getattr(source, "templates", [])),
           "settings": {"contexts": settings.n_contexts, "samples": settings.n_samples, "seed": settings.seed,
                        "confidence": settings.confidence},
           "conventions": ceat_note(settings, args.corpus), "citation": [CEAT_CITATION, caliskan_citation()],
           "results": [r.as_dict() for r in results]}
    return doc, pd.DataFrame([r.row() for r in results])


def cmd_weat(args: argparse.Namespace) -> int:
    """Print the statistics and the missing words per test (CSV or JSON)."""
    doc, table = weat_payload(args)
    if args.format == "json":
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(f"# {doc['word_source']}. {doc['conventions']}", file=sys.stderr)
        print_csv(table, raw=args.csv_raw, float_format="%.6g")
    return 0


def cmd_analogies(args: argparse.Namespace) -> int:
    """Solve one analogy (--query), or run a benchmark and print accuracy per section and overall."""
    from core.audits.word_vectors import vocabulary

    wv = vocabulary(args.model, args.restrict_vocab, progress=_progress)
    if args.query:
        return _print_query(wv, args)
    from core.audits.analogy_benchmark import (
        CONVENTIONS,
        benchmark_table,
        read_benchmark_text,
        run_benchmark,
    )

    name, text = read_benchmark_text(args.benchmark)
    results = run_benchmark(wv, text, methods=args.method)
    table = benchmark_table(results)
    conventions = CONVENTIONS.format(n=len(wv))
    if args.format == "json":
        print(json.dumps({"benchmark": name, "vocabulary": wv.label, "restrict_vocab": len(wv),
                          "conventions": conventions, "sections": table.to_dict(orient="records")}, indent=2))
    elif args.format == "csv":
        print_csv(table, raw=args.csv_raw, float_format="%.6g")
    else:
        print(f"{name} · {wv.label}\n")
        print(_percent_table(table).to_string(index=False))
        print(f"\n{conventions}")
    return 0


def _print_query(wv, args: argparse.Namespace) -> int:
    from core.audits.analogy import answer_all, answers_table, parse_analogy
    from core.audits.word_vectors import unseen_note, with_unseen

    question = parse_analogy(args.query)
    wv, built = with_unseen(wv, [question.a, question.b, question.c])
    if built:
        print(unseen_note(built), file=sys.stderr)
    answers = answer_all(wv, question, k=args.top)
    for exclude in (True, False):
        print(f"{answers.question} ({wv.label}; input words {'excluded' if exclude else 'allowed'})")
        print(answers_table(answers, exclude_inputs=exclude).to_string(index=False), end="\n\n")
    return 0


def add_audit_commands(sub: argparse._SubParsersAction) -> None:
    """Register `weat` and `analogies` on the main parser."""
    weat = sub.add_parser("weat", help="WEAT bias tests (Caliskan et al. 2017): S, d with interval, p per test; or CEAT")
    weat.add_argument("--model", default=GLOVE_KEY, help=f"{GLOVE_KEY} (default), minilm or st:NAME|PATH")
    weat.add_argument("--tests", nargs="*", default=["all"], help="'all' (default) or test numbers, e.g. 6 7 8")
    weat.add_argument("--custom", nargs="*", help="JSON file(s) with custom tests (X, Y, A, B word sets)")
    weat.add_argument("--restrict-vocab", type=int, help="GloVe: use only the N most frequent words (default all)")
    weat.add_argument("--template", action="append", help="sentence models: a template with [word] (repeatable)")
    weat.add_argument("--permutations", type=int, default=N_PERMUTATIONS, help="sampled permutations")
    weat.add_argument("--exact-limit", type=int, default=EXACT_LIMIT, help="exact p when partitions <= this")
    weat.add_argument("--seed", type=int, default=SEED)
    weat.add_argument("--bootstrap", type=_bounded(int, BOOTSTRAP_RANGE), default=N_BOOTSTRAP,
                      help=f"resamples for the interval of d (default {N_BOOTSTRAP:,})")
    weat.add_argument("--confidence", type=_bounded(float, CONFIDENCE_RANGE), default=CONFIDENCE,
                      help=f"interval level (default {CONFIDENCE})")
    weat.add_argument("--method", choices=WEAT_METHODS, default="weat",
                      help="weat (default), or ceat: contexts sampled from a corpus, effect sizes pooled "
                           "(Guo & Caliskan 2021; sentence models only)")
    weat.add_argument("--contexts", type=_bounded(int, CONTEXTS_RANGE), default=N_CONTEXTS,
                      help=f"CEAT: contexts per word (default {N_CONTEXTS})")
    weat.add_argument("--samples", type=_bounded(int, SAMPLES_RANGE), default=N_SAMPLES,
                      help=f"CEAT: effect sizes sampled and pooled (default {N_SAMPLES:,})")
    weat.add_argument("--corpus", default=DEFAULT_CORPUS,
                      help=f"CEAT: sentences to take contexts from, builtin:NAME or a file (default {DEFAULT_CORPUS})")
    weat.add_argument("--format", choices=("csv", "json"), default="csv")
    add_csv_raw_argument(weat)
    weat.set_defaults(func=cmd_weat)

    ana = sub.add_parser("analogies", help="analogy benchmark (3CosAdd/3CosMul), or one analogy with --query")
    ana.add_argument("--model", default=GLOVE_KEY, help=f"{GLOVE_KEY} (default), minilm or st:NAME|PATH")
    ana.add_argument("--benchmark", default="google", help="'google' (19,544 questions) or a questions-words file")
    ana.add_argument("--restrict-vocab", type=int, default=ANALOGY_VOCAB,
                     help=f"candidate answers: the N most frequent words (default {ANALOGY_VOCAB:,})")
    ana.add_argument("--method", nargs="+", choices=METHODS, default=["3cosadd"])
    ana.add_argument("--query", help="solve one analogy instead, e.g. 'man : king :: woman'")
    ana.add_argument("--top", type=int, default=10, help="answers shown with --query")
    ana.add_argument("--format", choices=("text", "csv", "json"), default="text")
    add_csv_raw_argument(ana)
    ana.set_defaults(func=cmd_analogies)
