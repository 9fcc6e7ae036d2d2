"""How good a static model trained here is: word similarity, analogies and rare-word coverage, with intervals,
and the classic architectures side by side on the user's own corpus."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from core.audits.word_vectors import WordVectors
from core.errors import DataError
from core.training.static import StaticRun, run_static, tokenize
from core.training.static_settings import StaticParams

COMPARED = (("word2vec", 0, "Word2Vec CBOW"), ("word2vec", 1, "Word2Vec skip-gram"), ("fasttext", None, "fastText"))


def word_vectors_of(run: StaticRun) -> WordVectors:
    """A trained model's vocabulary as a word space (most frequent first)."""
    wv = run.model.wv
    return WordVectors(list(wv.index_to_key), np.asarray(wv.vectors), label=run.params.method)


def word_scores(wv: WordVectors) -> dict[str, Any]:
    """WordSim-353 and SimLex-999 Spearman with bootstrap intervals and coverage, and the Google analogies'
    accuracy on the covered questions with its interval and coverage."""
    from core.audits.analogy_benchmark import read_benchmark_text, run_benchmark
    from core.evaluation.compare import accuracy_statistic, bootstrap_interval, spearman_statistic
    from core.evaluation.word_similarity import WORD_SETS, builtin_pairs, evaluate_word_pairs

    scores: dict[str, Any] = {}
    for key in WORD_SETS:
        try:
            result = evaluate_word_pairs(wv.words, wv.vectors, builtin_pairs(key), restrict_vocab=len(wv))
        except DataError:  # fewer than two pairs covered
            scores[key] = {"spearman": None, "interval": None, "coverage": 0.0}
            continue
        model = result.table["model"].to_numpy()
        interval = bootstrap_interval(result.pairs_used, spearman_statistic(result.table["human"].to_numpy(), model))
        scores[key] = {"spearman": result.spearman, "interval": list(interval), "coverage": 1 - result.oov_share}
    analogy = run_benchmark(wv, read_benchmark_text("google")[1])[0]
    covered = [o for o in analogy.outcomes if o is not None]
    right = accuracy_statistic(np.array(covered), np.ones(len(covered), bool))
    analogy_interval = list(bootstrap_interval(len(covered), right)) if covered else None
    scores["google_analogies"] = {"accuracy": analogy.accuracy if covered else None,
                                  "interval": analogy_interval, "coverage": analogy.coverage,
                                  "covered": len(covered)}
    return scores


def rare_word_coverage(run: StaticRun, tokens: list[list[str]]) -> float:
    """The share of the corpus's words seen fewer than `min_count` times that still get a vector (fastText's
    sub-words give them one; Word2Vec leaves them out)."""
    counts = Counter(word for text in tokens for word in text)
    rare = [w for w, c in counts.items() if c < run.params.min_count]
    if not rare:
        return 1.0
    wv = run.model.wv
    has_subwords = hasattr(wv, "vectors_ngrams")
    return float(np.mean([has_subwords or w in wv.key_to_index for w in rare]))


def compare_architectures(texts: Sequence[str], params: StaticParams, **kwargs) -> pd.DataFrame:
    """CBOW, skip-gram and fastText trained with the same settings on `texts`, side by side."""
    tokens = tokenize(texts)
    rows = []
    for method, sg, title in COMPARED:
        run = run_static(texts, replace(params, method=method, sg=params.sg if sg is None else sg), **kwargs)
        scores = word_scores(word_vectors_of(run))
        rows.append({"model": title, "seconds": round(run.seconds, 2), "vocabulary": run.vocabulary,
                     "words_per_s": round(run.words * params.epochs / max(run.seconds, 1e-9)),
                     **_flat(scores), "rare_word_coverage": rare_word_coverage(run, tokens)})
    return pd.DataFrame(rows)


def _flat(scores: dict[str, Any]) -> dict[str, Any]:
    """The scores as table columns: value, interval ends and coverage per benchmark."""
    out: dict[str, Any] = {}
    for name, score in scores.items():
        value = score.get("spearman", score.get("accuracy"))
        low, high = score["interval"] or (None, None)
        out.update({name: value, f"{name}_low": low, f"{name}_high": high, f"{name}_coverage": score["coverage"]})
    return out
