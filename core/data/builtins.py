"""Built-in datasets made from real data that ships inside PyPI packages."""
from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.glove import GLOVE_SIZE
from core.data.table import Dataset
from core.errors import DataError

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
DEFAULT_DATASET = "lee-sentences"
DEFAULT_SIZE = 5000  # the row count of a sized dataset unless told otherwise
NO_AXES = ("", "", "", "")


@dataclass(frozen=True)
class SizeRange:
    """The row counts a sized built-in dataset accepts, the one it starts from, and how to ask for it."""

    low: int
    high: int
    default: int = DEFAULT_SIZE
    step: int = 1000
    label: str = "How many rows"

    def accepts(self, n: int) -> bool:
        """Whether `n` rows is within the bounds."""
        return self.low <= n <= self.high


GLOVE_WORDS_SIZE = SizeRange(10, GLOVE_SIZE, label="How many of the most frequent words")


def _gensim_data(name: str) -> Path:
    """A file of gensim's test data, found without importing gensim (which costs about a second)."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("The Lee corpus ships with gensim; install it with `pip install gensim`.")
    return Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data" / name


def _lee_documents_frame() -> pd.DataFrame:
    """The 300 background + 50 test documents of the Lee news corpus."""
    rows = []
    for source, fname in (("background", "lee_background.cor"), ("test", "lee.cor")):
        lines = _gensim_data(fname).read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(raw.strip() for raw in lines):
            if line:
                rows.append({"text": line, "source": source, "document": f"{source}-{i:03d}"})
    frame = pd.DataFrame(rows)
    frame["words"] = frame["text"].str.split().str.len()
    return frame


def lee_documents() -> Dataset:
    """Lee news corpus, one row per document."""
    return Dataset("lee-documents", _lee_documents_frame(), "text",
                   description="Lee news corpus (Lee, Pincombe & Welsh 2005): 350 Australian news documents.")


def lee_sentences() -> Dataset:
    """Lee news corpus split into sentences, keeping the document as metadata."""
    rows = []
    for doc in _lee_documents_frame().itertuples():
        parts = [p.strip() for p in _SENTENCE_END.split(doc.text) if len(p.split()) >= 4]
        rows += [{"text": p, "source": doc.source, "document": doc.document, "position": j}
                 for j, p in enumerate(parts)]
    frame = pd.DataFrame(rows)
    frame["words"] = frame["text"].str.split().str.len()
    return Dataset("lee-sentences", frame, "text",
                   description="Lee news corpus split into sentences, with the source document as metadata.")


def glove_top_words(n: int = GLOVE_WORDS_SIZE.default) -> Dataset:
    """The n most frequent alphabetic GloVe 6B words with their 50-d vectors."""
    from core.data.glove import glove_vectors, glove_words

    if not GLOVE_WORDS_SIZE.accepts(n):
        raise DataError(f"Choose between {GLOVE_WORDS_SIZE.low:,} and {GLOVE_WORDS_SIZE.high:,} GloVe words.")
    picked = [i for i, w in enumerate(glove_words()) if w.isalpha()][:n]
    frame = pd.DataFrame({"word": [glove_words()[i] for i in picked], "frequency_rank": np.array(picked) + 1})
    vectors = np.asarray(glove_vectors()[picked], dtype=np.float32)
    return Dataset(f"glove-words-{n}", frame, "word", vectors=vectors,
                   description=f"The {n:,} most frequent alphabetic words of GloVe 6B, with their 50-d vectors.")


def digits() -> Dataset:
    """scikit-learn's 1,797 handwritten digits: 64 pixel values per image, labelled."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    labels = bunch.target.astype(int)
    frame = pd.DataFrame({"label": [f"digit {d} (#{i})" for i, d in enumerate(labels)],
                          "digit": labels.astype(str)})
    return Dataset("digits", frame, "label", vectors=bunch.data.astype(np.float32),
                   images=bunch.images.astype(np.float32),
                   description="UCI handwritten digits (8x8 pixels, 0-16 grey levels) from scikit-learn.")


def kind_loader(module: str, name: str) -> Callable[..., Dataset]:
    """A loader that lives in a data kind's room (which builds on this one), imported when first used."""
    def load(**params) -> Dataset:
        return getattr(importlib.import_module(module), name)(**params)
    return load


@dataclass(frozen=True)
class BuiltinDataset:
    """A named built-in dataset, how to build it, and its flags.

    `sized`: built at a chosen row count, passed to the loader as `n`; None for fixed datasets.
    `example_axes`: the custom axes' starting poles (x: A vs B, y: C vs D).
    """

    key: str
    title: str
    loader: Callable[..., Dataset]
    has_vectors: bool = False
    sized: SizeRange | None = None
    example_axes: tuple[str, str, str, str] = NO_AXES

    def title_at(self, size: int) -> str:
        """The title, with the row count for sized datasets."""
        return f"{self.title} ({size:,})" if self.sized else self.title

    def load(self, size: int) -> Dataset:
        """Build the dataset; `size` counts only for sized datasets."""
        return self.loader(n=size) if self.sized else self.loader()


_NEWS_AXES = ("sport", "politics", "money", "weather")
BUILTINS: dict[str, BuiltinDataset] = {
    b.key: b
    for b in (
        BuiltinDataset("lee-sentences", "Lee news corpus: sentences", lee_sentences, example_axes=_NEWS_AXES),
        BuiltinDataset("lee-documents", "Lee news corpus: documents", lee_documents, example_axes=_NEWS_AXES),
        BuiltinDataset("glove-words", "GloVe 6B: most frequent words", glove_top_words, has_vectors=True,
                       sized=GLOVE_WORDS_SIZE, example_axes=("man", "woman", "good", "bad")),
        BuiltinDataset("digits", "Handwritten digits (8x8 images)", digits, has_vectors=True,
                       example_axes=("/digit 0 /", "/digit 1 /", "/digit 3 /", "/digit 4 /")),
        BuiltinDataset("karate-club", "Zachary's karate club (graph)", kind_loader("core.graphs.builtins",
                                                                                   "karate_club"),
                       example_axes=("/^0$/", "/^33$/", "/^2$/", "/^32$/")),  # the two leaders, then their seconds
        BuiltinDataset("les-miserables", "Les Misérables co-appearances (graph)",
                       kind_loader("core.graphs.builtins", "les_miserables"),
                       example_axes=("/^Valjean$/", "/^Javert$/", "/^Myriel$/", "/^Gavroche$/")),
        BuiltinDataset("gapminder", "Gapminder: countries by year (table)", kind_loader("core.tables.data", "gapminder"),
                       example_axes=("/ 1952$/", "/ 2007$/", "/^Japan /", "/^Nigeria /")),
        BuiltinDataset("photo-patches", "Photo patches: scikit-learn's two sample photos (images)",
                       kind_loader("core.images.builtins", "photo_patches"),
                       example_axes=("/^china/", "/^flower/", "/y000/", "/y320/")),
    )
}


def builtin(key: str) -> BuiltinDataset:
    """The registry entry for `key`; unknown keys name the choices."""
    if key not in BUILTINS:
        raise DataError(f"Unknown dataset {key!r}. Available: {', '.join(BUILTINS)}.")
    return BUILTINS[key]


def size_range(key: str) -> SizeRange | None:
    """The size bounds of a sized built-in dataset; None for fixed or unknown ones."""
    spec = BUILTINS.get(key)
    return spec.sized if spec is not None else None


def load_builtin(key: str, **params) -> Dataset:
    """Build a built-in dataset by key; unknown keys name the choices."""
    return builtin(key).loader(**params)
