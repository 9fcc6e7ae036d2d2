"""Fine-tuning: pairs, hard-negative mining, a training run with a tiny model, offline, cancel, the CLI."""
from __future__ import annotations

import ipaddress
import json
import socket
import threading

import numpy as np
import pytest

from core.errors import DataError, UserError
from core.jobs import JobPool, JobProgress
from core.training import mining, space, speed, store
from core.training.pairs import PairSet, pairs_from_columns, pairs_from_groups, pairs_from_labels, split
from core.training.run import TrainingCancelled, finetune, prepare
from core.training.settings import SETTINGS, TrainParams
from tests.support.finetune_toy import save_tiny_model, toy_pairs, toy_texts

TOY = TrainParams(epochs=4, batch_size=16, learning_rate=0.1, hard_negatives=1, eval_split=0.25, seed=1)


@pytest.fixture(scope="module")
def tiny_key(tmp_path_factory) -> str:
    return f"st:{save_tiny_model(tmp_path_factory.mktemp('tiny') / 'tiny')}"


@pytest.fixture
def models_root(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    return store.models_dir()


@pytest.fixture
def no_network(monkeypatch):
    """Any connection to a non-loopback address fails the test."""
    real = socket.socket.connect
    attempts: list[object] = []

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not _loopback(host):
            attempts.append(address)
            raise OSError(f"network blocked in this test: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _label_pairs():
    texts = toy_texts(30)
    return pairs_from_labels(texts["text"].tolist(), texts["topic"].tolist(), seed=0, name="topic")


def test_pairs_from_columns_link_groups_and_refuse_too_few():
    import pandas as pd

    frame = pd.DataFrame({"a": ["x", "y", "z", "q", "r"], "p": ["y", "w", "v", "s", "r"], "n": ["", "k", "", "", ""]})
    pairs = pairs_from_columns(frame, "a", "p", "n")
    assert len(pairs) == 4  # the pair (r, r) is no pair
    assert pairs.groups[0] == pairs.groups[1] != pairs.groups[2]  # x-y and y-w are linked through y
    assert pairs.negatives == [None, "k", None, None]
    with pytest.raises(DataError, match="The anchor column 'nope'"):
        pairs_from_columns(frame, "nope", "p")
    with pytest.raises(DataError, match="at least 4 pairs"):
        pairs_from_columns(frame.head(2), "a", "p")


def test_pairs_from_groups_are_consecutive_and_split_keeps_groups_whole():
    texts = [f"s{i}" for i in range(40)]
    pairs = pairs_from_groups(texts, [i // 4 for i in range(40)])
    assert (pairs.anchors[0], pairs.positives[0], pairs.anchors[3]) == ("s0", "s1", "s4")
    assert len(pairs) == 30
    train, held = split(pairs, 0.2, seed=3)
    assert len(held) == 6 and not set(train.groups) & set(held.groups)
    assert not set(train.texts()) & set(held.texts())


def test_mining_never_returns_a_positive_or_a_near_duplicate():
    rng = np.random.default_rng(0)
    texts = toy_texts(20)
    pairs = pairs_from_labels(texts["text"].tolist(), texts["topic"].tolist(), seed=0)
    corpus = pairs.texts() + ["striker goal MATCH"]  # the same text as one anchor, up to case
    vectors = rng.normal(size=(len(corpus), 8)).astype(np.float32)
    vectors[-1] = vectors[corpus.index("striker goal match")] if "striker goal match" in corpus else vectors[-1]
    mined = mining.mine_hard_negatives(pairs, corpus, vectors, k=5, margin=0.0)
    groups = pairs.text_groups()
    assert mined.count > 0
    for i, negs in enumerate(mined.negatives):
        assert all(pairs.groups[i] not in groups.get(n, set()) for n in negs)  # never a text of its own group
        assert pairs.positives[i] not in negs and pairs.anchors[i] not in negs
        assert all(n.lower() not in (pairs.anchors[i].lower(), pairs.positives[i].lower()) for n in negs)


def test_mining_respects_margin_and_duplicates():
    pairs = PairSet(["a", "c", "e", "g"], ["b", "d", "f", "h"], np.arange(4))
    corpus = ["a", "b", "c", "d", "e", "f", "g", "h"]
    v = np.eye(8, dtype=np.float32)
    v[0] = [1, 0.5, 0.6, 0, 0.2, 0, 0, 0]  # a: c scores above the positive b, e below it
    v[2] = v[0] * 1.0001  # c is also a near-duplicate of a
    mined = mining.mine_hard_negatives(pairs, corpus, v, k=3, margin=0.05)
    assert "c" not in mined.negatives[0] and mined.negatives[0][0] == "e"


def test_training_improves_held_out_retrieval_and_reloads_offline(tiny_key, models_root, no_network):
    from sentence_transformers import SentenceTransformer

    prepared = prepare(_label_pairs(), tiny_key, TOY)
    assert prepared.mined.count > 0 and len(prepared.held) > 10
    steps = []
    result = finetune(prepared, tiny_key, TOY, progress=lambda d, t: steps.append((d, t)))
    before, after = result.before.metrics(), result.after.metrics()
    assert after["mrr_at_10"] > before["mrr_at_10"] + 0.05
    assert steps[-1][0] == steps[-1][1] > 1
    assert [m.key for m in store.local_models()] == [result.key]
    card = json.loads((result.folder / "ee-card.json").read_text())
    assert card["evaluation"]["after"] == after and card["parameters"]["epochs"] == 4
    assert card["data"]["hash"] == prepared.train.data_hash() and card["loss"] == "MultipleNegativesRankingLoss"
    assert "## Evaluation on the held-out pairs" in (result.folder / "README.md").read_text()
    reloaded = SentenceTransformer(str(result.folder))
    np.testing.assert_allclose(reloaded.encode(result.held_texts, normalize_embeddings=True), result.held_after,
                               atol=1e-5)
    assert no_network == []


def test_cancel_leaves_no_model(tiny_key, models_root):
    prepared = prepare(_label_pairs(), tiny_key, TOY)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 2:
            cancel.set()

    with pytest.raises(TrainingCancelled, match="after 2 of"):
        finetune(prepared, tiny_key, TOY, progress=progress, cancel=cancel)
    assert list(models_root.iterdir()) == [] and store.local_models() == []


def test_background_job_cancels_and_failed_save_leaves_nothing(tiny_key, models_root, monkeypatch):
    prepared = prepare(_label_pairs(), tiny_key, TOY)
    pool, report = JobPool(), JobProgress()

    def work(cancel: threading.Event):
        def progress(done: int, total: int) -> None:
            report.step(done, total)
            if done == 1:
                pool.cancel("finetune")

        return finetune(prepared, tiny_key, TOY, progress=progress, status=report.status, cancel=cancel)

    running = pool.submit("finetune", "Fine-tuning", work, progress=report)
    with pytest.raises(TrainingCancelled, match="no model was written"):
        running.result(120)
    assert running.cancelled() and isinstance(running.error(), TrainingCancelled)
    assert running.progress.done == 1 and running.progress.phase == "Training"
    monkeypatch.setattr(store, "write_card", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        finetune(prepared, tiny_key, TOY)
    assert list(models_root.iterdir()) == []


def test_delete_only_our_models(tiny_key, models_root, tmp_path):
    prepared = prepare(_label_pairs(), tiny_key, TrainParams(epochs=1, batch_size=16, learning_rate=0.1))
    result = finetune(prepared, tiny_key, TrainParams(epochs=1, batch_size=16, learning_rate=0.1))
    with pytest.raises(UserError, match="not a fine-tuned model"):
        store.delete_model(tiny_key)
    forgotten = []
    store.delete_model(result.key, forget=forgotten.append)
    assert not result.folder.exists() and forgotten == [result.key]


def test_speed_estimate_is_measured(tiny_key):
    rate = speed.measure_pairs_per_s(tiny_key, _label_pairs(), TOY)
    assert rate > 0
    assert speed.estimate_seconds(1000, TOY, rate) == pytest.approx(4 * 1000 / rate)
    assert speed.pairs_for(speed.estimate_seconds(500, TOY, rate), TOY, rate) in (499, 500)


def test_procrustes_alignment_undoes_rotation_and_scale():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(50, 2))
    theta = 1.1
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    moved = (ref @ rot) * 3.0 + [5, -2]
    np.testing.assert_allclose(space.align(ref, moved[:, ::-1]), ref, atol=1e-9)  # a reflection too


def test_movement_lists_neighbours_gained_and_lost():
    before = np.array([[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99]], dtype=np.float32)
    after = before[[0, 2, 1, 3]]  # texts 1 and 2 swap places
    table = space.movement(["a", "b", "c", "d"], before, after, before, after, k=1)
    row = table.set_index("text").loc["a"]
    assert row["moved"] == 1.0 and row["neighbours_gained"] == "c" and row["neighbours_lost"] == "b"
    assert table.set_index("text").loc["b", "displacement"] > 0


def test_cli_finetune_then_evaluate_with_the_new_model(tmp_path, tiny_key, capsys, models_root):
    from core.cli.commands import main

    pairs_csv, out = tmp_path / "pairs.csv", tmp_path / "model"
    toy_pairs().to_csv(pairs_csv, index=False)
    assert main(["finetune", str(pairs_csv), "--anchor-column", "anchor", "--positive-column", "positive",
                 "--hard-negatives", "1", "--model", tiny_key, "--epochs", "1", "--batch-size", "16",
                 "--learning-rate", "0.1", "--eval-split", "0.2", "--out", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["before"]) == set(doc["after"]) == {"recall_at_1", "recall_at_10", "mrr_at_10", "ndcg_at_10"}
    assert doc["data"]["training_pairs"] + doc["data"]["held_out_pairs"] == len(toy_pairs())
    texts_csv = tmp_path / "texts.csv"
    toy_texts(10).assign(query=lambda f: f["text"]).to_csv(texts_csv, index=False)
    assert main(["evaluate", str(texts_csv), "--column", "text", "--query-column", "query", "--model",
                 f"st:{out}", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["retrieval"]["queries"] == 30
    assert main(["finetune", str(pairs_csv), "--anchor-column", "anchor", "--positive-column", "positive",
                 "--model", tiny_key, "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_cli_options_come_from_the_settings_table(capsys):
    from core.cli.commands import build_parser, main

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["finetune"]
    flags = {o for a in sub._actions for o in a.option_strings}
    assert {s.flag for s in SETTINGS} <= flags
    with pytest.raises(SystemExit):
        main(["finetune", "x.csv", "--anchor-column", "a", "--positive-column", "p", "--batch-size", "1"])
    assert "outside 2..256" in capsys.readouterr().err
    assert main(["finetune", "x.csv", "--anchor-column", "a", "--model", "glove-6b-50d"]) == 2


@pytest.mark.slow
def test_a_few_steps_on_minilm(models_root):
    texts = toy_texts(8)
    pairs = pairs_from_labels(texts["text"].tolist(), texts["topic"].tolist(), seed=0)
    params = TrainParams(epochs=1, batch_size=8, hard_negatives=1)
    result = finetune(prepare(pairs, "minilm", params), "minilm", params)
    assert result.card["time"]["steps"] >= 2 and result.held_after.shape[1] == 384
    assert result.card["base_model"]["key"] == "minilm"
