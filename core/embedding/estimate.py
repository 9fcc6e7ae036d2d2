"""How long an embedding job takes here: a prior per model from the texts and the tokens it reads, corrected by
the embeddings recorded on this machine.

A transformer's time grows with the tokens it reads (each text up to its window) and a little per text; a static
word model (GloVe) only looks words up, and TF-IDF + SVD fits and transforms in a time that grows with the words.
The priors are for a quiet 2-core machine. Every real embedding records what it took (`record`); an estimate scales
the prior's seconds per text and per token by this machine's outcomes for the model (`correction`). A transformer
whose pace here is unknown is timed on a few texts first, unless the job is obviously short.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.embedding.models import Embedder, create_embedder, is_corpus_fitted, is_word_vocabulary
from core.embedding.windows import TokenWindow, token_window
from core.outcome_log import OutcomeLog

CALIBRATE_N = 128  # texts a transformer is timed on when its pace here is unknown
WARM_UP_N = 8  # texts encoded before the timing: the first call pays one-off set-up
TOKEN_SAMPLE = 2_000  # texts whose tokens are counted to estimate those of all of them
LONG_JOB_S = 120.0  # jobs expected to take minutes are announced before they start
SAMPLE_ROWS = 50_000  # the sample offered instead of a long job
FRESH_MACHINE_SLOWDOWN = 4.0  # how much slower than the priors an unmeasured machine may plausibly be
CORRECTION_BOUNDS = (0.1, 50.0)  # wide: another transformer may be many times MiniLM's size
SPREAD = 5.0  # how far the per-text and per-token factors may part from their common ratio
PULL = 0.01  # how strongly they are pulled toward it (the weight of one outcome is 1)
KEPT = 20  # outcomes kept per model
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pace:
    """Seconds per text and per token a model takes on the reference machine (2 cores)."""

    per_text_s: float
    per_token_s: float

    def seconds(self, n_texts: int, tokens: float) -> float:
        return n_texts * self.per_text_s + tokens * self.per_token_s


# Transformers: one-thread CPU seconds measured on this project's 2-core machines, halved for the two cores of a quiet
# one (fp32 MiniLM then encodes ~160 Lee sentences/s, as DESIGN.md's ~170). GloVe and TF-IDF run on one core, writes
# to the vector cache included. The measurements are in tests/support/embedding_paces.json.
PRIORS: dict[str, Pace] = {
    "minilm": Pace(0.58e-3, 0.205e-3),
    "minilm-onnx-int8": Pace(0.175e-3, 0.12e-3),
    "glove-6b-50d": Pace(0.06e-3, 1e-6),  # a dictionary lookup per word
    "tfidf-lsa": Pace(0.1e-3, 6e-6),  # fit and transform: vocabulary, TF-IDF, a 100-component SVD
}
OTHER_TRANSFORMER = PRIORS["minilm"]  # the pace assumed for another transformer until this machine times it


@dataclass(frozen=True)
class Outcome:
    """One embedding as it ran here: the model, the texts it encoded, the tokens it read, and its seconds."""

    model: str
    n_texts: int
    tokens: int
    seconds: float


@dataclass(frozen=True)
class Estimate:
    """Expected seconds for a job, the tokens it reads, and how many outcomes on this machine correct it."""

    seconds: float
    tokens: int
    measured: int  # outcomes of this model recorded here (0: the prior alone)


_log = OutcomeLog("embedding-paces.json", Outcome, lambda o: o.model, KEPT)


def recorded_outcomes() -> list[Outcome]:
    """The embeddings recorded on this machine (none when the file is missing or unreadable)."""
    return _log.read()


def record(outcome: Outcome) -> None:
    """Keep `outcome`, with the latest `KEPT` of its model."""
    _log.add(outcome)


def calibration_texts(texts: Sequence[str], n: int, *, seed: int = 0) -> list[str]:
    """A seeded sample of `n` texts (all of them when there are fewer)."""
    texts = list(texts)
    if len(texts) <= n:
        return texts
    return [texts[i] for i in np.random.default_rng(seed).choice(len(texts), n, replace=False)]


def token_count(texts: Sequence[str], window: TokenWindow | None, *, whole: bool = False) -> int:
    """Tokens a model reads for `texts`: its own tokens up to its window (all of them when `whole`: chunking), or
    words for a model without a window; counted on a seeded sample of `TOKEN_SAMPLE` texts, scaled to all."""
    sample = calibration_texts(texts, TOKEN_SAMPLE)
    if not sample:
        return 0
    if window is None:
        counted = sum(len(_WORD.findall(text)) for text in sample)
    else:
        counts = window.counts(sample)
        counted = int(counts.sum() if whole else np.minimum(counts, window.size).sum())
    return round(counted * len(texts) / len(sample))


def is_timed(model: str) -> bool:
    """Whether the model is a transformer, whose pace depends on the machine enough to time it (never a static
    word model or TF-IDF: their priors hold)."""
    return not (is_word_vocabulary(model) or is_corpus_fitted(model))


def prior_seconds(model: str, n_texts: int, tokens: float) -> float:
    """Seconds on the reference machine to encode `n_texts` texts of `tokens` tokens in all."""
    return PRIORS.get(model, OTHER_TRANSFORMER).seconds(n_texts, tokens)


def correction(model: str, outcomes: Sequence[Outcome]) -> tuple[float, float]:
    """This machine's factors on the prior's seconds per text and per token, (1, 1) without outcomes for `model`.

    Both are fitted to the outcomes (least squares on the relative error) and pulled toward their median ratio to
    the prior, so that outcomes of one kind of text (all short, say) leave the other factor at that ratio.
    """
    mine = [o for o in outcomes if o.model == model]
    if not mine:
        return 1.0, 1.0
    pace = PRIORS.get(model, OTHER_TRANSFORMER)
    parts = np.asarray([[o.n_texts * pace.per_text_s, o.tokens * pace.per_token_s] for o in mine]) + 1e-12
    seconds = np.asarray([o.seconds for o in mine])
    common = float(np.median(seconds / parts.sum(axis=1)))
    rows = parts * common / seconds[:, None]  # each outcome's parts at the common ratio, relative to its seconds
    lhs, rhs = rows.T @ rows + PULL * np.eye(2), rows.T @ np.ones(len(mine)) + PULL
    relative = np.clip(np.linalg.solve(lhs, rhs), 1 / SPREAD, SPREAD)
    per_text, per_token = np.clip(common * relative, *CORRECTION_BOUNDS)
    return float(per_text), float(per_token)


def estimate_seconds(model: str, n_texts: int, tokens: float, *, outcomes: Sequence[Outcome] | None = None) -> float:
    """Expected seconds here to encode `n_texts` texts of `tokens` tokens in all."""
    recorded = recorded_outcomes() if outcomes is None else outcomes
    pace, (per_text, per_token) = PRIORS.get(model, OTHER_TRANSFORMER), correction(model, recorded)
    return n_texts * pace.per_text_s * per_text + tokens * pace.per_token_s * per_token


def needs_timing(model: str, n_texts: int, tokens: float, outcomes: Sequence[Outcome]) -> bool:
    """Whether to time the model on a few texts first: a transformer with no outcome here, on a job that is not
    obviously short (a model without a prior could be of any size)."""
    if not is_timed(model) or any(o.model == model for o in outcomes):
        return False
    return model not in PRIORS or prior_seconds(model, n_texts, tokens) * FRESH_MACHINE_SLOWDOWN >= LONG_JOB_S


def time_sample(model: str, texts: Sequence[str], embedder: Embedder, window: TokenWindow | None) -> Outcome:
    """The model timed on a seeded sample of `texts`, longest first as a job encodes them (after a warm-up)."""
    sample = sorted(calibration_texts(texts, CALIBRATE_N), key=len, reverse=True)
    embedder.encode(sample[:WARM_UP_N])
    start = time.perf_counter()
    embedder.encode(sample)
    return Outcome(model, len(sample), token_count(sample, window), time.perf_counter() - start)


def estimate_job(model: str, texts: Sequence[str], n_new: int, *, whole: bool = False,
                 get_embedder: Callable[[], Embedder] | None = None,
                 outcomes: Sequence[Outcome] | None = None) -> Estimate:
    """Expected seconds to encode `n_new` of `texts` (their share of the tokens) with `model` here.

    `outcomes` default to those recorded here; a timing the model needs (`needs_timing`) is recorded with them.
    """
    recorded = recorded_outcomes() if outcomes is None else list(outcomes)
    window = token_window(model, get_embedder) if is_timed(model) else None
    tokens = token_count(texts, window, whole=whole) * n_new // max(len(texts), 1)
    if needs_timing(model, n_new, tokens, recorded):
        timed = time_sample(model, texts, get_embedder() if get_embedder else create_embedder(model), window)
        if outcomes is None:
            record(timed)
        recorded.append(timed)
    measured = sum(o.model == model for o in recorded)
    return Estimate(estimate_seconds(model, n_new, tokens, outcomes=recorded), tokens, measured)
