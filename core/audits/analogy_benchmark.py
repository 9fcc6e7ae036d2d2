"""Analogy benchmark (Google's questions-words format), scored exactly as gensim scores it."""
from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.audits.analogy import METHOD_TITLES, method_scores, top_k
from core.audits.word_vectors import WordVectors
from core.errors import DataError

GOOGLE = "google"
CANDIDATES = 5  # gensim looks at the 5 best non-input candidates
BATCH_CELLS = 4_000_000  # questions x vocabulary scored at once (16 MB of float32 per matrix)
CONVENTIONS = (
    "Scored as gensim's KeyedVectors.evaluate_word_analogies: words are compared case-insensitively "
    "(upper-cased; when two words differ only in case, the more frequent one is used); only the {n:,} most "
    "frequent words are candidate answers, and a question is evaluated only when all four of its words are "
    "among them; the others are skipped and reported as not covered, not counted as wrong; the input words a, b "
    "and c never count as the answer; accuracy = correct / covered, per section and in total."
)


@dataclass(frozen=True)
class Question:
    section: str
    a: str
    b: str
    c: str
    expected: str


def google_questions_path() -> Path:
    """Google's 19,544 analogy questions, shipped in gensim's test data."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("The Google analogy set comes with gensim; run `pip install gensim`.")
    return Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data" / "questions-words.txt"


def read_benchmark_text(benchmark: str) -> tuple[str, str]:
    """(display name, file text) for 'google' or a path to a file in the same format."""
    path = google_questions_path() if benchmark == GOOGLE else Path(benchmark).expanduser()
    if not path.is_file():
        raise DataError(f"Analogy file '{benchmark}' not found; use 'google' or a path to a questions-words file.")
    name = "Google analogy set (gensim test data)" if benchmark == GOOGLE else path.name
    return name, path.read_bytes().decode("utf-8", errors="replace")


def parse_questions(text: str) -> tuple[list[str], list[Question]]:
    """(section names in order, questions); lines that are not 4 words are skipped, as gensim does."""
    sections: list[str] = []
    questions: list[Question] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.startswith(": "):
            sections.append(line.lstrip(": ").strip())
            continue
        if not sections:
            raise DataError(f"Line {line_no} comes before any ': section' header; an analogy file starts with one.")
        words = line.split()
        if len(words) == 4:
            questions.append(Question(sections[-1], *words))
    if not questions:
        raise DataError("No questions found: each line should hold four words 'a b c d' under ': section' headers.")
    return sections, questions


@dataclass
class BenchmarkResult:
    """Per-question outcomes for one method (None = not covered by the vocabulary)."""

    method: str
    restrict_vocab: int
    sections: list[str]
    questions: list[Question]
    outcomes: list[bool | None]
    predictions: list[str | None] = field(default_factory=list)

    def section_table(self) -> pd.DataFrame:
        """Questions, covered, correct and accuracy per section, then a 'Total accuracy' row."""
        frame = pd.DataFrame({"section": [q.section for q in self.questions],
                              "covered": [o is not None for o in self.outcomes],
                              "correct": [o is True for o in self.outcomes]})
        per = frame.groupby("section", sort=False).agg(questions=("covered", "size"), covered=("covered", "sum"),
                                                        correct=("correct", "sum"))
        per = per.reindex(self.sections, fill_value=0).reset_index()
        total = pd.DataFrame([{"section": "Total accuracy", "questions": per["questions"].sum(),
                               "covered": per["covered"].sum(), "correct": per["correct"].sum()}])
        table = pd.concat([per, total], ignore_index=True)
        table["accuracy"] = np.where(table["covered"] > 0, table["correct"] / table["covered"].clip(lower=1), 0.0)
        table["coverage"] = np.where(table["questions"] > 0, table["covered"] / table["questions"].clip(lower=1), 0.0)
        return table

    @property
    def accuracy(self) -> float:
        return float(self.section_table()["accuracy"].iloc[-1])

    @property
    def coverage(self) -> float:
        return float(self.section_table()["coverage"].iloc[-1])


def _first_rows_by_upper(words: Sequence[str]) -> dict[str, int]:
    """Upper-cased word -> row of its most frequent case variant (gensim's ok_vocab)."""
    vocab: dict[str, int] = {}
    for row, word in enumerate(words):
        vocab.setdefault(word.upper(), row)
    return vocab


def _pick(candidates: np.ndarray, words: Sequence[str], ignore: set[str]) -> str | None:
    """gensim's choice among the best candidates: the first whose upper case is not an input word."""
    predicted = None
    for row in candidates:
        predicted = words[row].upper()
        if predicted not in ignore:
            break
    return predicted


def _score_batch(wv: WordVectors, method: str, rows: np.ndarray) -> np.ndarray:
    """Row numbers of the best CANDIDATES non-input answers per question, best first (questions x CANDIDATES)."""
    scores = method_scores(method, wv, rows[:, 0], rows[:, 1], rows[:, 2])
    questions = np.arange(len(rows))
    for j in range(3):
        scores[questions, rows[:, j]] = -np.inf
    return top_k(scores, CANDIDATES, in_place=True)


def evaluate(wv: WordVectors, questions: Sequence[Question], sections: Sequence[str], *,
             method: str = "3cosadd") -> BenchmarkResult:
    """Score every question whose words are all in the vocabulary, in batched matrix products."""
    # 1. map words to rows the way gensim does (upper case, most frequent variant first)
    vocab = _first_rows_by_upper(wv.words)
    upper = [tuple(w.upper() for w in (q.a, q.b, q.c, q.expected)) for q in questions]
    covered = [i for i, ws in enumerate(upper) if all(w in vocab for w in ws)]
    rows = np.asarray([[vocab[w] for w in upper[i][:3]] for i in covered], dtype=np.int64).reshape(-1, 3)
    # 2. score in batches and keep the best candidates per question
    outcomes: list[bool | None] = [None] * len(questions)
    predictions: list[str | None] = [None] * len(questions)
    batch = max(1, BATCH_CELLS // max(len(wv), 1))
    for start in range(0, len(covered), batch):
        best = _score_batch(wv, method, rows[start:start + batch])
        for offset, candidates in enumerate(best):
            i = covered[start + offset]
            predictions[i] = _pick(candidates, wv.words, set(upper[i][:3]))
            outcomes[i] = predictions[i] == upper[i][3]
    return BenchmarkResult(method, len(wv), list(sections), list(questions), outcomes, predictions)


def run_benchmark(wv: WordVectors, text: str, *, methods: Sequence[str] = ("3cosadd",)) -> list[BenchmarkResult]:
    """The benchmark in `text` (questions-words format) for each method."""
    sections, questions = parse_questions(text)
    return [evaluate(wv, questions, sections, method=m) for m in methods]


def benchmark_table(results: Sequence[BenchmarkResult]) -> pd.DataFrame:
    """Sections as rows; questions, covered, coverage, then correct and accuracy per method."""
    first = results[0].section_table()
    table = first[["section", "questions", "covered", "coverage"]].copy()
    for result in results:
        own = result.section_table()
        title = METHOD_TITLES[result.method]
        table[f"{title} correct"] = own["correct"].to_numpy()
        table[f"{title} accuracy"] = own["accuracy"].to_numpy()
    return table
