"""Scored pairs: CoSENT on a score column, Contrastive on a 0/1 label column, Spearman before and after, the CLI."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from core.embedding.models import load_sentence_model
from core.errors import DataError, UserError
from core.training import heldout, store
from core.training.pairs import scored_pairs_from_columns
from core.training.run import finetune, prepare
from core.training.settings import TrainParams
from core.training.train import learning_rate, training_arguments, training_dataset
from tests.core.training.test_run import no_network  # noqa: F401 - a fixture
from tests.support.finetune_toy import save_tiny_model, toy_texts

TOY = TrainParams(epochs=3, batch_size=16, learning_rate=0.1, eval_split=0.25, seed=1, loss="cosent")


def scored_frame(n: int = 120, *, seed: int = 0) -> pd.DataFrame:
    """STS-style rows: two toy texts and a 0-6 score (3 for one topic, plus one per shared word)."""
    rng = np.random.default_rng(seed)
    texts = toy_texts(20)
    rows = []
    for _ in range(n):
        i, j = rng.choice(len(texts), 2, replace=False)
        a, b = texts.iloc[i], texts.iloc[j]
        shared = len(set(a["text"].split()) & set(b["text"].split()))
        rows.append({"sentence1": a["text"], "sentence2": b["text"],
                     "score": 3 * (a["topic"] == b["topic"]) + shared, "same": int(a["topic"] == b["topic"])})
    return pd.DataFrame(rows)


@pytest.fixture
def tiny_key(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    return f"st:{save_tiny_model(tmp_path / 'tiny')}"


def _spearman_on(pairs, key: str) -> float:
    model = load_sentence_model(key)
    return heldout.spearman(model.encode(pairs.anchors), model.encode(pairs.positives), pairs.scores)


def test_scores_are_scaled_to_0_1_and_said_so():
    frame = scored_frame(20)
    pairs = scored_pairs_from_columns(frame, "sentence1", "sentence2", "score", labels=False, needed_by="CoSENTLoss")
    low, high = frame["score"].min(), frame["score"].max()
    np.testing.assert_allclose(pairs.scores, (frame["score"] - low) / (high - low))
    assert f"scores {low} to {high} in the column 'score', scaled to 0-1" in pairs.source
    assert training_dataset(pairs, [[] for _ in range(len(pairs))], "cosent")["label"] == pairs.scores.tolist()
    with pytest.raises(UserError, match="MultipleNegativesRankingLoss trains on anchor/positive pairs"):
        training_dataset(pairs, [[] for _ in range(len(pairs))], "mnrl")


def test_a_missing_or_wrong_column_gets_one_sentence_naming_it_and_the_loss():
    frame = scored_frame(20)
    with pytest.raises(DataError, match=r"^CoSENTLoss trains on the scores of the column 'similarity', which is not "
                                        r"in the file \(its columns: sentence1, sentence2, score, same\)\.$"):
        scored_pairs_from_columns(frame, "sentence1", "sentence2", "similarity", labels=False, needed_by="CoSENTLoss")
    with pytest.raises(DataError, match="^ContrastiveLoss trains on labels 0 or 1, but the column 'score' holds"):
        scored_pairs_from_columns(frame, "sentence1", "sentence2", "score", labels=True, needed_by="ContrastiveLoss")
    with pytest.raises(DataError, match="row 2 holds 'high'"):
        scored_pairs_from_columns(frame.assign(score=["1", "high"] * 10), "sentence1", "sentence2", "score",
                                  labels=False, needed_by="CoSENTLoss")


def test_contrastive_trains_on_the_files_labels():
    frame = scored_frame(20)
    pairs = scored_pairs_from_columns(frame, "sentence1", "sentence2", "same", labels=True,
                                      needed_by="ContrastiveLoss")
    rows = training_dataset(pairs, [[] for _ in range(len(pairs))], "contrastive")
    assert rows["label"] == frame["same"].tolist() and rows["sentence2"] == frame["sentence2"].tolist()


def test_held_out_figures_are_spearman_and_retrieval_on_the_positives():
    rng = np.random.default_rng(0)
    pairs = scored_pairs_from_columns(scored_frame(40), "sentence1", "sentence2", "score", labels=False,
                                      needed_by="CoSENTLoss")
    table = {t: rng.normal(size=8) for t in pairs.texts()}
    result = heldout.evaluate(pairs, lambda texts: np.stack([table[t] for t in texts]))
    a, b = np.stack([table[t] for t in pairs.anchors]), np.stack([table[t] for t in pairs.positives])
    cosines = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert result.metrics()["spearman"] == pytest.approx(spearmanr(cosines, pairs.scores).statistic)
    assert result.scored_pairs == 40 and result.retrieval_pairs == int((pairs.scores >= 0.5).sum()) > 1
    assert {"recall_at_1", "mrr_at_10"} <= set(result.metrics())


def test_cosent_on_scores_raises_spearman_on_its_training_pairs(tiny_key, no_network):  # noqa: F811
    pairs = scored_pairs_from_columns(scored_frame(), "sentence1", "sentence2", "score", labels=False,
                                      needed_by="CoSENTLoss")
    prepared = prepare(pairs, tiny_key, TOY)
    assert prepared.mined.count == 0  # scored pairs bring their own negatives
    result = finetune(prepared, tiny_key, TOY)
    assert _spearman_on(prepared.train, result.key) > _spearman_on(prepared.train, tiny_key) + 0.1
    evaluation = result.card["evaluation"]
    assert evaluation["scored_pairs"] == len(prepared.held) and "spearman" in evaluation["after"]
    assert "scaled to 0-1" in result.card["data"]["source"] and no_network == []


def test_lora_trains_at_its_own_learning_rate(tmp_path):
    full, lora = TrainParams(), TrainParams(lora_rank=8)
    assert learning_rate(full) == full.learning_rate != learning_rate(lora) == lora.lora_learning_rate
    assert training_arguments(lora, str(tmp_path)).learning_rate == lora.lora_learning_rate
    assert training_arguments(replace(lora, lora_rank=0), str(tmp_path)).learning_rate == full.learning_rate


def test_cli_cosent_on_a_score_column(tmp_path, tiny_key, capsys):
    from core.cli.commands import main

    pairs_csv = tmp_path / "sts.csv"
    scored_frame().to_csv(pairs_csv, index=False)
    common = ["finetune", str(pairs_csv), "--anchor-column", "sentence1", "--positive-column", "sentence2",
              "--model", tiny_key, "--epochs", "1", "--batch-size", "16", "--learning-rate", "0.1"]
    assert main([*common, "--loss", "cosent", "--score-column", "score", "--out", str(tmp_path / "m")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"spearman", "recall_at_10"} <= set(doc["before"]) and set(doc["before"]) == set(doc["after"])
    assert doc["evaluation"]["scored_pairs"] == doc["data"]["held_out_pairs"]
    assert main([*common, "--loss", "cosent", "--score-column", "similarity"]) == 2
    assert "CoSENTLoss trains on the scores of the column 'similarity'" in capsys.readouterr().err
    assert main([*common, "--loss", "mnrl", "--score-column", "score"]) == 2
    assert "--score-column is read by --loss contrastive (labels) and --loss cosent" in capsys.readouterr().err
    assert store.local_models() == []  # nothing written under the models folder by the failed runs


def test_pairs_linked_into_one_group_still_get_their_negatives_drawn_in_bounded_time():
    from core.training.mining import Mined
    from core.training.pairs import pairs_from_columns
    from core.training.train import negative_columns

    frame = pd.DataFrame({"a": [f"t{i}" for i in range(30)], "p": [f"t{i + 1}" for i in range(30)]})
    pairs = pairs_from_columns(frame, "a", "p")  # a chain: every text in one group, no text of another
    negatives = negative_columns(pairs, Mined([[] for _ in range(len(pairs))]), 1, seed=0)
    assert len(set(pairs.groups)) == 1 and negatives == [[] for _ in range(len(pairs))]
