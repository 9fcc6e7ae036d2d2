"""Word similarity: model cosine against human judgements (WordSim-353, SimLex-999 or a file like them).

Conventions are gensim's `KeyedVectors.evaluate_word_pairs`: lines starting with '#' and lines that do
not split into word, word, number on tabs are skipped; words compare case-insensitively (a word's first,
most frequent case variant wins); only the `restrict_vocab` most frequent words count; pairs with an
unknown word are skipped and counted in the out-of-vocabulary share; Pearson and Spearman by scipy.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import DataError
from core.vectors import unit_rows

RESTRICT_VOCAB = 300_000
WORD_SETS = {"wordsim353": ("WordSim-353", "wordsim353.tsv"), "simlex999": ("SimLex-999", "simlex999.txt")}
CONVENTIONS = ("gensim evaluate_word_pairs conventions: case-insensitive, only the {n:,} most frequent words, "
               "pairs with an unknown word skipped (their share is oov_share), cosine similarity, "
               "Pearson and Spearman from scipy.")
SENTENCE_CONVENTIONS = ("A sentence model embeds each word of a pair alone, as written in the file; every word "
                        "gets a vector, so no pair is skipped. Cosine similarity, Pearson and Spearman from scipy.")


@dataclass(frozen=True)
class WordPairs:
    """Human-judged word pairs in file order."""

    name: str
    first: tuple[str, ...]
    second: tuple[str, ...]
    gold: np.ndarray

    def __len__(self) -> int:
        return len(self.gold)


@dataclass
class WordSimResult:
    """Correlations on the pairs both of whose words are known, and which pairs those were."""

    name: str
    pearson: float
    pearson_p: float
    spearman: float
    spearman_p: float
    pairs_used: int
    pairs_total: int
    table: pd.DataFrame  # word_1, word_2, human, model (NaN where skipped)

    @property
    def oov_share(self) -> float:
        return 1 - self.pairs_used / self.pairs_total if self.pairs_total else 0.0

    def as_dict(self) -> dict:
        return {"set": self.name, "spearman": self.spearman, "spearman_p": self.spearman_p, "pearson": self.pearson,
                "pearson_p": self.pearson_p, "oov_share": self.oov_share, "pairs_used": self.pairs_used,
                "pairs_total": self.pairs_total}


def parse_pairs(text: str, *, name: str, delimiter: str = "\t") -> WordPairs:
    """Pairs from 'word<TAB>word<TAB>score' lines, skipping comments and malformed lines as gensim does."""
    first, second, gold = [], [], []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split(delimiter)
        try:
            a, b, score = parts
            value = float(score)
        except (ValueError, TypeError):
            continue
        first.append(a)
        second.append(b)
        gold.append(value)
    if not gold:
        raise DataError(f"No word pairs found in {name}: each line needs word, word and a number, separated by tabs.")
    return WordPairs(name, tuple(first), tuple(second), np.asarray(gold, dtype=np.float64))


def builtin_pairs(key: str) -> WordPairs:
    """WordSim-353 or SimLex-999 as shipped in gensim's test data."""
    from gensim.test.utils import datapath

    if key not in WORD_SETS:
        raise DataError(f"Unknown word-similarity set '{key}'. Available: {', '.join(WORD_SETS)}, or a file path.")
    title, file_name = WORD_SETS[key]
    with open(datapath(file_name), encoding="utf-8") as handle:
        return parse_pairs(handle.read(), name=title)


def case_index(words: Sequence[str], restrict_vocab: int = RESTRICT_VOCAB) -> dict[str, int]:
    """Upper-cased word -> row among the first `restrict_vocab` words; the first case variant wins."""
    index: dict[str, int] = {}
    for row, word in enumerate(words[:restrict_vocab]):
        index.setdefault(word.upper(), row)
    return index


def _correlate(name: str, pairs: WordPairs, model: np.ndarray) -> WordSimResult:
    from scipy import stats

    used = np.isfinite(model)
    if used.sum() < 2:
        raise DataError(f"Fewer than two pairs of {name} have both words in the vocabulary; nothing to correlate.")
    pearson = stats.pearsonr(pairs.gold[used], model[used])
    spearman = stats.spearmanr(pairs.gold[used], model[used])
    table = pd.DataFrame({"word_1": pairs.first, "word_2": pairs.second, "human": pairs.gold, "model": model})
    return WordSimResult(name, float(pearson[0]), float(pearson[1]), float(spearman[0]), float(spearman[1]),
                         int(used.sum()), len(pairs), table)


def evaluate_word_pairs(words: Sequence[str], vectors: np.ndarray, pairs: WordPairs, *,
                        restrict_vocab: int = RESTRICT_VOCAB) -> WordSimResult:
    """A word space (words in frequency order) against human scores, as gensim's evaluate_word_pairs."""
    index = case_index(words, restrict_vocab)
    unit = unit_rows(vectors, np.float32)
    model = np.full(len(pairs), np.nan)
    for i, (a, b) in enumerate(zip(pairs.first, pairs.second)):
        ra, rb = index.get(a.upper()), index.get(b.upper())
        if ra is not None and rb is not None:
            model[i] = float(np.dot(unit[ra], unit[rb]))
    return _correlate(pairs.name, pairs, model)


def evaluate_embedded_pairs(encode: Callable[[list[str]], np.ndarray], pairs: WordPairs) -> WordSimResult:
    """A sentence model against human scores: each distinct word embedded alone."""
    words = list(dict.fromkeys(pairs.first + pairs.second))
    unit = unit_rows(encode(words), np.float32)
    row = {w: i for i, w in enumerate(words)}
    model = np.array([float(np.dot(unit[row[a]], unit[row[b]])) for a, b in zip(pairs.first, pairs.second)])
    return _correlate(pairs.name, pairs, np.where(np.isfinite(model), model, np.nan))


def results_table(results: Sequence[WordSimResult]) -> pd.DataFrame:
    """One row per word set: Spearman, Pearson, out-of-vocabulary share and pairs used."""
    return pd.DataFrame([r.as_dict() for r in results])
