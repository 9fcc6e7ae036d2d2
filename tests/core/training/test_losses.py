"""Fine-tuning with each loss, and with a LoRA adapter: offline, and the adapter reloads to the same vectors."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.embedding.models import load_sentence_model
from core.errors import UserError
from core.training import store
from core.training.losses import LOSSES
from core.training.mining import Mined
from core.training.pairs import pairs_from_labels
from core.training.run import finetune, prepare, run_summary
from core.training.settings import TrainParams
from core.training.train import training_dataset
from tests.core.training.test_run import no_network  # noqa: F401 - a fixture
from tests.support.finetune_toy import save_tiny_model, save_tiny_transformer, toy_texts

TOY = TrainParams(epochs=2, batch_size=16, learning_rate=0.1, hard_negatives=1, eval_split=0.25, seed=1)


@pytest.fixture(scope="module")
def pairs():
    texts = toy_texts(20)
    return pairs_from_labels(texts["text"].tolist(), texts["topic"].tolist(), seed=0, name="topic")


@pytest.fixture
def models_root(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    return store.models_dir()


@pytest.mark.parametrize("loss", list(LOSSES))
def test_each_loss_trains_a_tiny_model_offline(loss, pairs, tmp_path, models_root, no_network):  # noqa: F811
    key = f"st:{save_tiny_model(tmp_path / 'tiny')}"
    params = replace(TOY, loss=loss)
    result = finetune(prepare(pairs, key, params), key, params)
    assert result.card["loss"] == LOSSES[loss].title and result.folder.is_dir()
    before = load_sentence_model(key).encode(["goal match team"])
    after = load_sentence_model(result.key).encode(["goal match team"])
    assert not np.allclose(before, after) and no_network == []


def test_labelled_losses_train_on_the_positive_as_1_and_each_negative_as_0(pairs):
    part = pairs.take(np.arange(2))
    rows = training_dataset(part, [["n1", "n2"], ["n3", "n4"]], "contrastive").to_dict()
    assert rows["label"] == [1, 0, 0, 1, 0, 0] and rows["sentence2"][1:3] == ["n1", "n2"]
    assert training_dataset(part, [["n1"], ["n3"]], "cosent").to_dict()["label"] == [1.0, 0.0, 1.0, 0.0]
    assert training_dataset(part, [["n1", "n2"], ["n3"]], "triplet").to_dict()["negative"] == ["n1", "n3"]


def test_a_loss_that_needs_negatives_says_so_when_there_are_none(pairs):
    with pytest.raises(UserError, match="needs a negative"):
        training_dataset(pairs, Mined([[] for _ in range(len(pairs))]).negatives, "triplet")


def test_a_lora_adapter_is_small_names_its_base_and_reloads_to_the_same_vectors(pairs, tmp_path, models_root,
                                                                                  no_network):  # noqa: F811
    base = save_tiny_transformer(tmp_path / "tiny")
    key = f"st:{base}"
    params = replace(TOY, lora_rank=4, lora_alpha=8, lora_learning_rate=TOY.learning_rate)
    result = finetune(prepare(pairs, key, params), key, params)
    folder_mb = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
    base_mb = sum(p.stat().st_size for p in base.rglob("*") if p.is_file())
    assert (result.folder / "adapter_config.json").is_file() and folder_mb < base_mb
    assert str(base) in (result.folder / "adapter_config.json").read_text() and result.card["adapter"]["rank"] == 4
    reloaded = load_sentence_model(result.key).encode(result.held_texts, normalize_embeddings=True)
    np.testing.assert_allclose(reloaded, result.held_after, atol=1e-5)  # as the trained model encoded them
    assert not np.allclose(result.held_before, result.held_after, atol=1e-3)
    assert run_summary(result)["weights trained"] == "LoRA rank 4"
    assert no_network == []


def test_lora_on_a_model_without_a_transformer_says_so_in_one_sentence(pairs, tmp_path, models_root):
    key = f"st:{save_tiny_model(tmp_path / 'static')}"
    params = replace(TOY, lora_rank=4)
    with pytest.raises(UserError, match="LoRA"):
        finetune(prepare(pairs, key, params), key, params)
