"""Embedding time estimates against the embeddings recorded on 2-core machines; no timing step for short jobs."""
import json
from pathlib import Path

import numpy as np
import pytest

from core.embedding.estimate import (
    CALIBRATE_N,
    PRIORS,
    Outcome,
    correction,
    estimate_job,
    estimate_seconds,
    needs_timing,
    record,
    recorded_outcomes,
    token_count,
)

RECORDED = Path(__file__).resolve().parents[2] / "support" / "embedding_paces.json"
FIELDS = ("model", "n_texts", "tokens", "seconds")
QUIET = "2 quiet cores (reference)"  # the machine the priors are for


def recorded() -> list[dict]:
    return json.loads(RECORDED.read_text(encoding="utf-8"))


def outcome(row: dict) -> Outcome:
    return Outcome(**{k: row[k] for k in FIELDS})


@pytest.mark.parametrize("index", range(len(recorded())))
def test_each_recorded_embedding_is_estimated_within_2x_from_the_others_of_its_machine(index):
    rows = recorded()
    truth = rows.pop(index)
    others = [outcome(r) for r in rows if r["machine"] == truth["machine"]]
    guess = estimate_seconds(truth["model"], truth["n_texts"], truth["tokens"], outcomes=others)
    assert truth["seconds"] / 2 <= guess <= truth["seconds"] * 2, (truth["case"], round(guess, 1))


@pytest.mark.parametrize("index", [i for i, r in enumerate(recorded()) if r["machine"] == QUIET])
def test_the_priors_alone_are_within_2x_on_a_quiet_machine(index):
    truth = recorded()[index]
    guess = estimate_seconds(truth["model"], truth["n_texts"], truth["tokens"], outcomes=[])
    assert truth["seconds"] / 2 <= guess <= truth["seconds"] * 2, (truth["case"], round(guess, 1))


class CountingEmbedder:
    """Counts what it is asked to encode."""

    model_id, dim = "counting", 4

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:
        self.calls.append(len(texts))
        return np.ones((len(texts), self.dim), dtype=np.float32)


TEXTS = [f"text number {i} about the weather, sport and the markets today" for i in range(60_000)]


@pytest.mark.parametrize("model", ["glove-6b-50d", "tfidf-lsa"])
def test_static_and_corpus_fitted_models_are_estimated_without_a_timing_step(model):
    built: list[CountingEmbedder] = []
    job = estimate_job(model, TEXTS, len(TEXTS), get_embedder=lambda: built.append(CountingEmbedder()) or built[-1],
                       outcomes=[])
    assert built == [] and job.measured == 0  # no model built, nothing encoded
    assert job.tokens == 11 * len(TEXTS) and job.seconds > 0


def test_a_transformer_is_timed_only_when_its_pace_here_is_unknown_and_the_job_may_be_long():
    embedder = CountingEmbedder()
    job = estimate_job("minilm", TEXTS, len(TEXTS), get_embedder=lambda: embedder, outcomes=[])
    assert embedder.calls == [8, CALIBRATE_N] and job.measured == 1  # a warm-up, then the timed sample
    embedder.calls.clear()
    short = estimate_job("minilm", TEXTS[:1_000], 1_000, get_embedder=lambda: embedder, outcomes=[])
    assert embedder.calls == [] and short.measured == 0 and short.seconds < 10  # obviously short: the prior
    known = [Outcome("minilm", 2_000, 40_000, 9.0)]
    estimate_job("minilm", TEXTS, len(TEXTS), get_embedder=lambda: embedder, outcomes=known)
    assert embedder.calls == []  # paced by what ran here
    assert needs_timing("st:some/other-model", 1_000, 20_000, [])  # a model of unknown size is timed


def test_tokens_not_texts_set_the_time():
    words = estimate_seconds("minilm", 12_000, 12_000, outcomes=[])
    documents = estimate_seconds("minilm", 12_000, 12_000 * 200, outcomes=[])
    assert documents > 50 * words / 2  # 200 tokens a text, not 1


def test_tokens_are_counted_on_a_sample_and_scaled():
    texts = ["one two three"] * 10_000 + ["one"] * 10_000
    assert token_count(texts, None) == pytest.approx(40_000, rel=0.05)
    assert token_count([], None) == 0


def test_a_slower_machine_corrects_the_estimate():
    base = estimate_seconds("minilm-onnx-int8", 50_000, 1_500_000, outcomes=[])
    slow = [Outcome("minilm-onnx-int8", n, n * 30, estimate_seconds("minilm-onnx-int8", n, n * 30, outcomes=[]) * 3)
            for n in (2_000, 5_000, 9_000)]
    assert correction("minilm-onnx-int8", slow) == pytest.approx((3.0, 3.0))
    assert estimate_seconds("minilm-onnx-int8", 50_000, 1_500_000, outcomes=slow) == pytest.approx(base * 3)
    assert correction("minilm", slow) == (1.0, 1.0)  # another model's outcomes say nothing of this one


def test_a_machine_slow_per_text_but_not_per_token_is_learned_from_short_and_long_texts():
    prior = PRIORS["minilm"]

    def here(n: int, tokens: int) -> float:  # ten times the prior's cost per text, the prior's cost per token
        return 10 * n * prior.per_text_s + tokens * prior.per_token_s

    seen = [Outcome("minilm", n, n * per_text, here(n, n * per_text)) for n, per_text in ((8_000, 2), (300, 200))]
    for n, per_text in ((20_000, 1), (3_000, 30), (1_000, 250)):  # words, sentences, documents
        guess = estimate_seconds("minilm", n, n * per_text, outcomes=seen)
        assert guess == pytest.approx(here(n, n * per_text), rel=0.25), (n, per_text)


def test_outcomes_are_recorded_per_machine_and_only_the_latest_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    assert recorded_outcomes() == []
    for seconds in range(25):
        record(Outcome("minilm", 1000, 30_000, float(seconds)))
    record(Outcome("glove-6b-50d", 1000, 9_000, 0.2))
    kept = recorded_outcomes()
    assert [o.seconds for o in kept if o.model == "minilm"] == [float(s) for s in range(5, 25)]
    assert [o.model for o in kept].count("glove-6b-50d") == 1
    (tmp_path / "embedding-paces.json").write_text("not json", encoding="utf-8")
    assert recorded_outcomes() == []  # an unreadable file is no history, not an error
