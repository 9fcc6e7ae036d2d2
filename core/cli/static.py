"""`python -m core train-static`: Word2Vec, fastText or Doc2Vec trained on a corpus, saved as `static:DIR`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.args import add_csv_raw_argument, add_setting_argument
from core.cli.outputs import print_csv
from core.training.static_settings import STATIC_SETTINGS, static_params_from


def _epochs(done: int, total: int) -> None:
    print(f"\rtraining epoch {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def cmd_train_static(args: argparse.Namespace) -> int:
    """Tokenise the corpus, train, evaluate on the word benchmarks, save, and print the card."""
    from core.cli.inputs import load_input
    from core.training.static import default_static_dir, run_static, save_static, static_title
    from core.training.static_eval import compare_architectures, word_scores, word_vectors_of

    dataset = load_input(args)
    params = static_params_from({s.name: getattr(args, s.key) for s in STATIC_SETTINGS})
    if args.compare:
        table = compare_architectures(dataset.texts, params, progress=_epochs)
        if args.format == "json":
            print(table.to_json(orient="records"))
        else:
            print_csv(table, raw=args.csv_raw, float_format="%.6g")
        return 0
    run = run_static(dataset.texts, params, progress=_epochs)
    evaluations = word_scores(word_vectors_of(run)) if params.method != "doc2vec" or not params.sg else {}
    out = Path(args.out) if args.out else default_static_dir(params.method)
    folder = save_static(run, out, title=static_title(run, dataset.name), evaluations=evaluations)
    card = json.loads((folder / "ee-card.json").read_text(encoding="utf-8"))
    doc = {"model": f"static:{folder}", "folder": str(folder), **card}
    if args.format == "json":
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(f"{card['title']}: {card['vocabulary']:,} words, {card['train_seconds']} s -> static:{folder}")
    return 0


def add_static_command(sub: argparse._SubParsersAction) -> None:
    """Register `train-static` on the main parser."""
    ts = sub.add_parser("train-static", help="train Word2Vec, fastText or Doc2Vec on a corpus (gensim)")
    ts.add_argument("input", metavar="CORPUS", help="a text file or table, or builtin:NAME")
    ts.add_argument("--column", help="the text column")
    for setting in STATIC_SETTINGS:
        add_setting_argument(ts, setting)
    ts.add_argument("--compare", action="store_true",
                    help="train CBOW, skip-gram and fastText with these settings and compare them (nothing saved)")
    ts.add_argument("--out", help="the model's folder (default: a new folder under the data folder's models/)")
    ts.add_argument("--format", choices=("json", "csv"), default="json",
                    help="json, or csv: the comparison as a table (one line of text for a trained model)")
    add_csv_raw_argument(ts)
    ts.set_defaults(func=cmd_train_static)
