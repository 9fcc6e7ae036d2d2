"""The `weat` and `analogies` commands: the same core functions the audit pages call."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.audits.analogy import METHODS
from core.audits.weat import EXACT_LIMIT, N_PERMUTATIONS, SEED
from core.audits.word_sources import DEFAULT_TEMPLATES
from core.audits.word_vectors import GLOVE_KEY
from core.cli.args import add_csv_raw_argument
from core.cli.outputs import print_csv

ANALOGY_VOCAB = 30_000


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _percent_table(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.copy()
    for column in [c for c in shown.columns if c == "coverage" or c.endswith("accuracy")]:
        shown[column] = shown[column].map(lambda v: f"{v:.1%}")
    return shown


def weat_payload(args: argparse.Namespace) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run the chosen WEAT tests; (JSON document, results table)."""
    from core.audits.weat_audit import (
        WeatSettings,
        p_value_note,
        results_table,
        run_weats,
    )
    from core.audits.weat_sets import (
        caliskan_citation,
        parse_custom_tests,
        select_tests,
    )
    from core.audits.word_sources import make_source

    tests = select_tests(args.tests) if args.tests else []
    for path in args.custom or []:
        tests += parse_custom_tests(Path(path).read_text(encoding="utf-8"), source=str(path))
    settings = WeatSettings(args.exact_limit, args.permutations, args.seed)
    source = make_source(args.model, restrict_vocab=args.restrict_vocab, templates=args.template or DEFAULT_TEMPLATES,
                         progress=_progress)
    results = run_weats(tests, source, settings)
    doc = {"model": args.model, "word_source": source.label, "templates": list(getattr(source, "templates", [])),
           "settings": {"exact_limit": settings.exact_limit, "permutations": settings.n_permutations,
                        "seed": settings.seed}, "conventions": p_value_note(settings),
           "citation": caliskan_citation(), "results": [r.as_dict() for r in results]}
    return doc, results_table(results)


def cmd_weat(args: argparse.Namespace) -> int:
    """Print S, d, p, the permutation count and the missing words per test (CSV or JSON)."""
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

    answers = answer_all(wv, parse_analogy(args.query), k=args.top)
    for exclude in (True, False):
        print(f"{answers.question} ({wv.label}; input words {'excluded' if exclude else 'allowed'})")
        print(answers_table(answers, exclude_inputs=exclude).to_string(index=False), end="\n\n")
    return 0


def add_audit_commands(sub: argparse._SubParsersAction) -> None:
    """Register `weat` and `analogies` on the main parser."""
    weat = sub.add_parser("weat", help="WEAT bias tests (Caliskan et al. 2017): S, d, p per test")
    weat.add_argument("--model", default=GLOVE_KEY, help=f"{GLOVE_KEY} (default), minilm or st:NAME|PATH")
    weat.add_argument("--tests", nargs="*", default=["all"], help="'all' (default) or test numbers, e.g. 6 7 8")
    weat.add_argument("--custom", nargs="*", help="JSON file(s) with custom tests (X, Y, A, B word sets)")
    weat.add_argument("--restrict-vocab", type=int, help="GloVe: use only the N most frequent words (default all)")
    weat.add_argument("--template", action="append", help="sentence models: a template with [word] (repeatable)")
    weat.add_argument("--permutations", type=int, default=N_PERMUTATIONS, help="sampled permutations")
    weat.add_argument("--exact-limit", type=int, default=EXACT_LIMIT, help="exact p when partitions <= this")
    weat.add_argument("--seed", type=int, default=SEED)
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
