"""A static model trained here (Word2Vec, fastText, Doc2Vec), read back from its arrays: words, texts, unseen words.

A folder holds `vocabulary.json`, `vectors.npy` (and `ngrams.npy` for fastText, `syn1neg.npy` and
`documents.npy` for Doc2Vec) and its card; nothing is unpickled.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ModelLoadError

STATIC_PREFIX = "static:"
STATIC_FORMAT = "static"  # the card `format` of a static model folder
FASTTEXT_BUCKETS = 100_000  # hashed sub-word rows: 40 MB at 100 dimensions (gensim's 2,000,000 would be 800 MB)
FASTTEXT_NGRAMS = (3, 6)  # sub-word lengths, gensim's defaults


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Each text as gensim's `simple_preprocess` tokens."""
    from gensim.utils import simple_preprocess

    return [simple_preprocess(str(text)) for text in texts]


def gensim_model(settings: dict[str, Any]):
    """The untrained gensim model a static model's settings describe (what a user would build with gensim alone)."""
    from gensim.models import Doc2Vec, FastText, Word2Vec

    common = {k: settings[k] for k in ("vector_size", "window", "min_count", "epochs", "negative", "seed", "workers")}
    if settings["method"] == "word2vec":
        return Word2Vec(sg=settings["sg"], **common)
    if settings["method"] == "fasttext":
        return FastText(sg=settings["sg"], bucket=FASTTEXT_BUCKETS, min_n=FASTTEXT_NGRAMS[0],
                        max_n=FASTTEXT_NGRAMS[1], **common)
    return Doc2Vec(dm=1 - settings["sg"], **common)
CARD_FILE = "ee-card.json"  # the card a model folder made here carries (fine-tuned or static)


def static_folder(key: str) -> Path:
    """The folder a `static:DIR` key names."""
    return Path(key[len(STATIC_PREFIX):].strip()).expanduser()


def _load(path: Path) -> np.ndarray:
    return np.load(path, allow_pickle=False)


class StaticModel:
    """The vectors of a trained static model: a word's vector, a text's (mean of its words, or Doc2Vec's
    inference), and fastText's answer for words it never saw."""

    def __init__(self, folder: Path) -> None:
        card = read_static_card(folder)
        try:
            if card is None:
                raise ValueError("no card")
            self.card: dict[str, Any] = card
            vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
            self.vectors = _load(folder / "vectors.npy")
        except (OSError, ValueError) as err:
            raise ModelLoadError(f"'{folder}' is not a static model trained here (it lacks its card, vocabulary or "
                                 f"vectors: {type(err).__name__}). Train one on the Train page.") from None
        self.folder = folder
        self.words: list[str] = list(vocabulary["words"])
        self.counts: list[int] = list(vocabulary["counts"])
        self.index = {w: i for i, w in enumerate(self.words)}
        self.method = str(self.card["method"])
        self.model_id = static_model_id(self.card)
        self.dim = int(self.vectors.shape[1])
        self.ngrams = _load(folder / "ngrams.npy") if self.method == "fasttext" else None

    def word_vector(self, word: str) -> np.ndarray | None:
        """The vector of `word`: its own row, fastText's sub-word vector for an unseen word, else None."""
        row = self.index.get(word)
        if row is not None:
            return self.vectors[row]
        return self.subword_vector(word) if self.ngrams is not None else None

    def subword_vector(self, word: str) -> np.ndarray | None:
        """fastText's vector for a word from its character n-grams (the mean of their rows), as gensim computes it."""
        from gensim.models.fasttext import ft_ngram_hashes

        settings = self.card["fasttext"]
        hashes = ft_ngram_hashes(word, settings["min_n"], settings["max_n"], settings["buckets"])
        if not hashes or self.ngrams is None:
            return None
        return (self.ngrams[hashes].sum(axis=0) / len(hashes)).astype(np.float32)

    def knows(self, word: str) -> bool:
        return word in self.index

    def coverage_note(self, texts: Sequence[str]) -> str:
        """How much of `texts` the vocabulary covers, and what became of the rest, in one sentence."""
        tokens = tokenize(texts)
        words = [w for text in tokens for w in text]
        unseen = sum(not self.knows(w) for w in words)
        share = unseen / len(words) if words else 0.0
        if self.ngrams is not None:
            return f"{share:.1%} of the words were never seen in training; fastText built their vectors from sub-words."
        if self.method == "doc2vec":
            return f"{share:.1%} of the words were never seen in training; Doc2Vec inferred each text's vector."
        empty = sum(not any(self.knows(w) for w in text) for text in tokens)
        note = f"{share:.1%} of the words are not in the model's vocabulary and were left out of the averages"
        return note + (f"; {empty:,} text(s) had no known word." if empty else ".")

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """One vector per text: Doc2Vec's inferred vector, else the mean of its words' vectors (NaN: no word)."""
        tokens = tokenize(texts)
        if self.method == "doc2vec":
            return np.stack([infer(self._doc2vec, t) for t in tokens]).astype(np.float32) if tokens else \
                np.empty((0, self.dim), np.float32)
        out = np.full((len(tokens), self.dim), np.nan, dtype=np.float32)
        for row, words in enumerate(tokens):
            found = [v for v in map(self.word_vector, words) if v is not None]
            if found:
                out[row] = np.mean(found, axis=0)
        return out

    @cached_property
    def _doc2vec(self):
        """A gensim Doc2Vec rebuilt from the saved arrays, for inferring vectors of new texts."""
        model = gensim_model(self.card["settings"])
        # gensim sorts by count, ties by last-added first: adding the words in reverse keeps the saved order
        model.build_vocab_from_freq(dict(zip(reversed(self.words), reversed(self.counts))))
        if list(model.wv.index_to_key) != self.words:
            raise ModelLoadError(f"'{self.folder}': the saved vocabulary does not rebuild in its order.")
        model.wv.vectors[:] = self.vectors
        model.syn1neg[:] = _load(self.folder / "syn1neg.npy")
        return model


def load_static(key: str) -> StaticModel:
    """The static model a `static:DIR` key names; one sentence when the folder is not one."""
    folder = static_folder(key)
    if read_static_card(folder) is None:
        raise not_static(key)
    return StaticModel(folder)


def not_static(key: str) -> ModelLoadError:
    return ModelLoadError(f"'{key[len(STATIC_PREFIX):]}' is not a static model trained here; train one with "
                          "`python -m core train-static` or on the Train page.")


def infer(model, words: list[str]) -> np.ndarray:
    """Doc2Vec's vector for a new text, the same on every call: negative sampling restarts from the model's seed."""
    model.random = np.random.RandomState(model.seed)
    return model.infer_vector(words)


def read_static_card(folder: Path) -> dict[str, Any] | None:
    """The card of a static model folder; None when it is not one."""
    try:
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) and card.get("format") == STATIC_FORMAT else None


def static_model_id(card: dict[str, Any]) -> str:
    """The cache id of a static model: its method, corpus, settings and creation time (two runs never share
    cached vectors)."""
    from core.hashing import hash_texts

    settings = hash_texts([json.dumps(card["settings"], sort_keys=True) + str(card.get("created", ""))])[0][:12]
    return f"static-{card['method']}-{str(card['corpus_hash'])[:16]}-{settings}"


def is_static_word_space(key: str) -> bool:
    """Whether `key` names a static model whose words have trained vectors (Word2Vec, fastText, Doc2Vec PV-DM)."""
    card = read_static_card(static_folder(key)) if key.startswith(STATIC_PREFIX) else None
    return card is not None and (card["method"] != "doc2vec" or not card["settings"].get("sg"))
