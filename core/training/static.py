"""Static embeddings trained on the user's corpus with gensim: Word2Vec, fastText and Doc2Vec.

Tokens come from gensim's `simple_preprocess`, so the same model can be rebuilt with gensim alone.
Progress comes per epoch; a cancel stops at the next epoch end and nothing is written. The model is
saved as plain arrays and JSON (core.embedding.static reads them back; nothing is pickled).
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.embedding.static import FASTTEXT_BUCKETS, FASTTEXT_NGRAMS, STATIC_FORMAT, gensim_model, tokenize
from core.errors import Cancelled, UserError
from core.hashing import hash_texts
from core.training.static_settings import StaticParams
from core.training.store import models_dir, staged_folder, write_card

TOKENISER = "gensim.utils.simple_preprocess (lowercase, accents kept, tokens of 2-15 letters)"
EpochProgress = Callable[[int, int], None]


def corpus_hash(texts: Sequence[str]) -> str:
    """One hash of the whole corpus, in order."""
    return hash_texts(["\n".join(map(str, texts))])[0]


def training_corpus(tokens: list[list[str]], method: str) -> list:
    """What gensim trains on: token lists, or tagged documents (one tag per text) for Doc2Vec."""
    if method != "doc2vec":
        return tokens
    from gensim.models.doc2vec import TaggedDocument

    return [TaggedDocument(words, [i]) for i, words in enumerate(tokens)]


def _epoch_callback(progress: EpochProgress | None, cancel: threading.Event | None, epochs: int):
    from gensim.models.callbacks import CallbackAny2Vec

    class EpochEnd(CallbackAny2Vec):
        def __init__(self) -> None:
            self.done = 0

        def on_epoch_end(self, model) -> None:
            self.done += 1
            if progress:
                progress(self.done, epochs)
            if cancel is not None and cancel.is_set():
                raise Cancelled("Training was cancelled; nothing was saved.")

    return EpochEnd()


def train_static(tokens: list[list[str]], params: StaticParams, *, progress: EpochProgress | None = None,
                 cancel: threading.Event | None = None):
    """A gensim model trained on `tokens` with `params`; a set `cancel` raises Cancelled at the next epoch end."""
    words = sum(len(t) for t in tokens)
    if words == 0:
        raise UserError("The corpus has no words to train on (after lowercasing and keeping words of 2-15 letters).")
    model = gensim_model(params.as_dict())
    corpus = training_corpus(tokens, params.method)
    model.build_vocab(corpus)
    if not len(model.wv):
        raise UserError(f"No word occurs {params.min_count} times or more; lower the minimum count.")
    model.train(corpus, total_examples=len(corpus), epochs=params.epochs,
                callbacks=[_epoch_callback(progress, cancel, params.epochs)])
    return model


@dataclass
class StaticRun:
    """A trained static model and what the card says of it."""

    model: Any
    params: StaticParams
    corpus_hash: str
    texts: int
    words: int
    seconds: float

    @property
    def vocabulary(self) -> int:
        return len(self.model.wv)

    def card(self, title: str, evaluations: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"format": STATIC_FORMAT, "title": title, "created": datetime.now().isoformat(timespec="seconds"),
                "method": self.params.method, "architecture": self.params.architecture,
                "settings": self.params.as_dict(), "tokeniser": TOKENISER, "corpus_hash": self.corpus_hash,
                "texts": self.texts, "words": self.words, "vocabulary": self.vocabulary,
                "train_seconds": round(self.seconds, 3), "reproducible": self.params.reproducible,
                "fasttext": {"buckets": FASTTEXT_BUCKETS, "min_n": FASTTEXT_NGRAMS[0], "max_n": FASTTEXT_NGRAMS[1]},
                "evaluations": evaluations or {}}


def run_static(texts: Sequence[str], params: StaticParams, **kwargs) -> StaticRun:
    """Tokenise `texts` and train; the run remembers its time, corpus hash and sizes."""
    tokens = tokenize(texts)
    start = time.perf_counter()
    model = train_static(tokens, params, **kwargs)
    return StaticRun(model, params, corpus_hash(texts), len(texts), sum(len(t) for t in tokens),
                     time.perf_counter() - start)


def save_arrays(model, folder: Path) -> None:
    """The model as .npy arrays and a JSON vocabulary (words in row order, with counts)."""
    wv = model.wv
    words = list(wv.index_to_key)
    counts = [int(wv.get_vecattr(w, "count")) for w in words]
    (folder / "vocabulary.json").write_text(json.dumps({"words": words, "counts": counts}, ensure_ascii=False),
                                            encoding="utf-8")
    np.save(folder / "vectors.npy", np.asarray(wv.vectors, dtype=np.float32), allow_pickle=False)
    if hasattr(wv, "vectors_ngrams"):
        np.save(folder / "ngrams.npy", np.asarray(wv.vectors_ngrams, dtype=np.float32), allow_pickle=False)
    if hasattr(model, "dv"):
        np.save(folder / "syn1neg.npy", np.asarray(model.syn1neg, dtype=np.float32), allow_pickle=False)
        np.save(folder / "documents.npy", np.asarray(model.dv.vectors, dtype=np.float32), allow_pickle=False)


def static_title(run: StaticRun, source: str) -> str:
    """A readable title: method, architecture and the corpus it learned from."""
    method = {"word2vec": "Word2Vec", "fasttext": "fastText", "doc2vec": "Doc2Vec"}[run.params.method]
    return f"{method} {run.params.architecture} ({run.params.vector_size}-d), trained on {source}"


def rebuild_note(params: StaticParams) -> str:
    """How to train the same model with gensim alone (the README of the folder)."""
    extra = (f", bucket={FASTTEXT_BUCKETS}, min_n={FASTTEXT_NGRAMS[0]}, max_n={FASTTEXT_NGRAMS[1]}"
             if params.method == "fasttext" else "")
    arch = f"dm={1 - params.sg}" if params.method == "doc2vec" else f"sg={params.sg}"
    cls = {"word2vec": "Word2Vec", "fasttext": "FastText", "doc2vec": "Doc2Vec"}[params.method]
    return (f"tokens = [gensim.utils.simple_preprocess(text) for text in texts]\n"
            f"gensim.models.{cls}(tokens, {arch}, vector_size={params.vector_size}, window={params.window}, "
            f"min_count={params.min_count}, epochs={params.epochs}, negative={params.negative}, seed={params.seed}, "
            f"workers={params.workers}{extra})\n"
            + ("(Doc2Vec trains on TaggedDocument(tokens, [row]).)\n" if params.method == "doc2vec" else ""))


def default_static_dir(method: str) -> Path:
    """A new folder under the data folder's models/: the method and the time."""
    return models_dir() / f"{method}-static-{datetime.now():%Y%m%d-%H%M%S}"


def save_static(run: StaticRun, out: Path, *, title: str, evaluations: dict[str, Any] | None = None) -> Path:
    """Write the model folder (arrays, card, README) in one step: a failure leaves no folder behind."""
    with staged_folder(out) as tmp:
        save_arrays(run.model, tmp)
        readme = f"# {title}\n\nRebuild it with gensim alone:\n\n```python\n{rebuild_note(run.params)}```\n"
        write_card(tmp, run.card(title, evaluations), readme)
    return Path(out).expanduser().resolve()
