"""Word analogies a : b :: c : ? by 3CosAdd and 3CosMul (Levy & Goldberg, 2014).

Scores follow gensim: 3CosAdd is the cosine between a candidate and the unit vector of
(b̂ - â + ĉ), which ranks words exactly as cos(x,b) - cos(x,a) + cos(x,c) does; 3CosMul is
cos'(x,b)·cos'(x,c) / (cos'(x,a) + 1e-6) with cosines shifted to [0, 1] as cos' = (1 + cos) / 2.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.audits.word_vectors import WordVectors
from core.vectors import unit_rows

METHODS = ("3cosadd", "3cosmul")
METHOD_TITLES = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}
COSMUL_EPSILON = 1e-6


@dataclass(frozen=True)
class Analogy:
    """The question a : b :: c : ?."""

    a: str
    b: str
    c: str

    def __str__(self) -> str:
        return f"{self.a} : {self.b} :: {self.c} : ?"


def target_vectors(unit: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unit vectors of (b̂ + ĉ - â) / 3 for rows of input indices (gensim's most_similar mean)."""
    return unit_rows(((unit[b] + unit[c]) - unit[a]) / 3.0, np.float32)


def cosadd_scores(wv: WordVectors, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(questions x vocabulary) 3CosAdd scores, computed as gensim does: target · raw row / row norm."""
    scores = target_vectors(wv.unit, a, b, c) @ wv.vectors.T
    scores /= _safe_norms(wv)
    return scores


def cosmul_scores(wv: WordVectors, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(questions x vocabulary) 3CosMul scores on cosines shifted to [0, 1].

    (1+cos_b)/2 · (1+cos_c)/2 / ((1+cos_a)/2 + ε) is evaluated as (1+cos_b)(1+cos_c) / (2(1+cos_a) + 4ε).
    """
    cosines = wv.unit[np.stack([a, b, c])] @ wv.vectors.T  # 3 x questions x vocabulary
    cosines /= _safe_norms(wv)
    cosines += 1
    scores = cosines[1] * cosines[2]
    scores /= 2 * cosines[0] + 4 * COSMUL_EPSILON
    return scores


def _safe_norms(wv: WordVectors) -> np.ndarray:
    return np.where(wv.norms > 0, wv.norms, 1).astype(np.float32)


def method_scores(method: str, wv: WordVectors, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    if method == "3cosadd":
        return cosadd_scores(wv, a, b, c)
    if method == "3cosmul":
        return cosmul_scores(wv, a, b, c)
    raise ValueError(f"Unknown analogy method '{method}'. Available: {', '.join(METHODS)}")


def top_k(scores: np.ndarray, k: int, *, in_place: bool = False) -> np.ndarray:
    """Column indices of the k largest scores in each row, best first (rows x k).

    Repeated argmax: for small k this is several times faster than argpartition.
    With `in_place`, the chosen entries of `scores` are overwritten with -inf.
    """
    scores = scores if in_place else np.array(scores, copy=True)
    rows = np.arange(scores.shape[0])
    best = np.empty((scores.shape[0], min(k, scores.shape[1])), dtype=np.int64)
    for j in range(best.shape[1]):
        best[:, j] = np.argmax(scores, axis=1)
        scores[rows, best[:, j]] = -np.inf
    return best


def solve(wv: WordVectors, question: Analogy, *, method: str = "3cosadd", k: int = 10,
          exclude_inputs: bool = True) -> pd.DataFrame:
    """The k best answers with scores (columns rank, word, score, is_input)."""
    rows = [wv.require(word) for word in (question.a, question.b, question.c)]
    a, b, c = (np.asarray([r]) for r in rows)
    scores = method_scores(method, wv, a, b, c)[0].astype(np.float64)
    if exclude_inputs:
        scores[rows] = -np.inf
    best = top_k(scores[None, :], k)[0]
    best = best[np.isfinite(scores[best])]  # fewer words than k once the inputs are excluded
    return pd.DataFrame({"rank": np.arange(1, len(best) + 1), "word": [wv.words[i] for i in best],
                         "score": scores[best], "is_input": [int(i) in rows for i in best]})


@dataclass
class AnalogyAnswers:
    """Top-k answers per method, with and without the input words allowed."""

    question: Analogy
    excluded: dict[str, pd.DataFrame]
    included: dict[str, pd.DataFrame]

    def top(self, method: str, *, exclude_inputs: bool) -> str:
        table = (self.excluded if exclude_inputs else self.included)[method]
        return str(table["word"].iloc[0])

    def differs(self, method: str) -> bool:
        """True when allowing the input words changes the top answer."""
        return self.top(method, exclude_inputs=True) != self.top(method, exclude_inputs=False)


def answer_all(wv: WordVectors, question: Analogy, *, k: int = 10) -> AnalogyAnswers:
    """Both methods, each with the inputs excluded (gensim's convention) and allowed."""
    excluded = {m: solve(wv, question, method=m, k=k, exclude_inputs=True) for m in METHODS}
    included = {m: solve(wv, question, method=m, k=k, exclude_inputs=False) for m in METHODS}
    return AnalogyAnswers(question, excluded, included)


def answers_table(answers: AnalogyAnswers, *, exclude_inputs: bool) -> pd.DataFrame:
    """One row per rank: word and score for each method, side by side."""
    tables = answers.excluded if exclude_inputs else answers.included
    frame = pd.DataFrame({"rank": tables[METHODS[0]]["rank"]})
    for method in METHODS:
        title = METHOD_TITLES[method]
        frame[f"{title} word"] = tables[method]["word"].to_numpy()
        frame[f"{title} score"] = tables[method]["score"].round(4).to_numpy()
    return frame


def parse_analogy(text: str) -> Analogy:
    """'a : b :: c' or 'a b c' -> Analogy (a trailing ': ?' is allowed)."""
    from core.errors import UserError

    cleaned = text.replace("::", " ").replace(":", " ").replace("?", " ")
    words = cleaned.split()
    if len(words) != 3:
        raise UserError(f"Write an analogy as 'a : b :: c' (three words); got '{text.strip()}'.")
    return Analogy(*words)
