"""`python -m core contexts WORD INPUT`: a word's senses and self-similarity across its contexts."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.cli.args import add_csv_raw_argument
from core.cli.inputs import load_input
from core.contexts.occurrences import MAX_OCCURRENCES
from core.embedding.models import DEFAULT_MODEL, sentence_base

EXAMPLES = 3


def _progress(done: int, total: int) -> None:
    print(f"\rencoding {done}/{total} texts", end="" if done < total else "\n", file=sys.stderr, flush=True)


def contexts_payload(args: argparse.Namespace) -> dict[str, Any]:
    """Run the analysis of the command's word on its input; the JSON document, and --out's table written."""
    from core.contexts.analysis import analyse_word, anisotropy_baseline
    from core.contexts.suggestions import ambiguity_table, suggest_words
    from core.contexts.tokens import token_encoder
    from core.embedding.models import create_embedder, model_id_for, model_title

    texts = load_input(args).texts
    key = sentence_base(args.model)  # a token view needs the sentence-transformers model itself
    model_id = model_id_for(key)
    encoder = token_encoder(create_embedder(key))
    baseline = anisotropy_baseline(encoder, texts, model_id=model_id)
    result = analyse_word(args.word, texts, encoder, baseline=baseline, progress=_progress,
                          with_map=args.out is not None, max_occurrences=args.max_occurrences)
    if args.out:
        from core.cli.outputs import write_table

        write_table(result.occurrence_table(), Path(args.out), raw=args.csv_raw)
    doc = {"model": model_title(key), **result.as_dict(args.examples)}
    if args.suggest:
        doc["suggestions"] = suggest_words(ambiguity_table(encoder, texts, model_id=model_id, progress=_progress))
    return doc


def _print_text(doc: dict[str, Any]) -> None:
    print(f"'{doc['word']}' · {doc['model']}: {doc['occurrences_used']} occurrence(s) used of "
          f"{doc['occurrences_found']} found, {doc['skipped_truncated']} skipped (longer than the model's window)")
    print(f"self-similarity {doc['self_similarity']}, anisotropy baseline {doc['anisotropy_baseline']}, "
          f"corrected {doc['self_similarity_corrected']}")
    print(doc["senses_note"])
    for sense in doc["senses"]:
        print(f"\nsense {sense['sense']}: {sense['occurrences']} occurrence(s), self-similarity "
              f"{sense['self_similarity']}")
        for example in sense["examples"]:
            print(f"  - {example}")
    for note in doc["notes"]:
        print(f"\n{note}")
    if "suggestions" in doc:
        print(f"\nwords whose contexts differ most: {', '.join(doc['suggestions'])}")


def cmd_contexts(args: argparse.Namespace) -> int:
    """Print the word's occurrences, senses and self-similarity (text or JSON)."""
    doc = contexts_payload(args)
    if args.format == "json":
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        _print_text(doc)
    return 0


def add_contexts_command(sub: argparse._SubParsersAction) -> None:
    """Register `contexts` on the main parser."""
    cmd = sub.add_parser("contexts", help="a word in context: senses and self-similarity (Ethayarajh 2019)")
    cmd.add_argument("word", help="the word (or short phrase) to look for, whole word, any case")
    cmd.add_argument("input", help="a table/text file, or builtin:NAME")
    cmd.add_argument("--column", help="the text column (default: text/sentence/document/word or first text column)")
    cmd.add_argument("--model", default=sentence_base(DEFAULT_MODEL),
                     help=f"a sentence-transformers model: {sentence_base(DEFAULT_MODEL)} (default) or st:NAME|PATH")
    cmd.add_argument("--max-occurrences", type=int, default=MAX_OCCURRENCES,
                     help=f"embed at most this many occurrences, a seeded sample (default {MAX_OCCURRENCES})")
    cmd.add_argument("--examples", type=int, default=EXAMPLES, help=f"example contexts per sense (default {EXAMPLES})")
    cmd.add_argument("--suggest", action="store_true", help="also list the corpus words whose contexts differ most")
    cmd.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    cmd.add_argument("--out", help="one row per occurrence (.csv or .parquet): text (its context), row and start (its "
                                   "text's row and the character offset in it), sense, and x, y on the 2D map")
    add_csv_raw_argument(cmd)
    cmd.set_defaults(func=cmd_contexts)
