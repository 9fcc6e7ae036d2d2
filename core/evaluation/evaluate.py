"""One model's evaluations, step by step: word similarity, Lee documents, labels and queries."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.errors import DataError
from core.evaluation import classification as clf
from core.evaluation.lee import LeeResult, lee_correlation, lee_documents
from core.evaluation.word_similarity import (
    RESTRICT_VOCAB,
    WordPairs,
    WordSimResult,
    evaluate_embedded_pairs,
    evaluate_word_pairs,
)

Encode = Callable[[list[str]], np.ndarray]
Progress = Callable[[int, int], None]


def model_encoder(model_key: str, *, get_embedder: Callable | None = None, progress: Progress | None = None) -> Encode:
    """Texts -> unit vectors with `model_key`, through the on-disk cache (a corpus-fitted model is fitted on them)."""
    from core.embedding.encode import embed_texts

    return lambda texts: embed_texts(texts, model_key, get_embedder=get_embedder, progress=progress).vectors


def word_similarity(model_key: str, sets: Sequence[WordPairs], *, restrict_vocab: int = RESTRICT_VOCAB,
                    encode: Encode | None = None) -> list[WordSimResult]:
    """Each word-pair set against the model: its own vocabulary (GloVe, a static model), or each word embedded by a
    sentence model."""
    from core.embedding.models import is_corpus_fitted, is_word_vocabulary

    if is_corpus_fitted(model_key):
        raise DataError("TF-IDF + SVD is fitted on your corpus and has no vectors for single words outside it; "
                        "word similarity needs GloVe or a sentence model.")
    if is_word_vocabulary(model_key):
        from core.audits.word_vectors import word_space

        wv = word_space(model_key)
        return [evaluate_word_pairs(wv.words, wv.vectors, pairs, restrict_vocab=restrict_vocab) for pairs in sets]
    encode = encode or model_encoder(model_key)
    return [evaluate_embedded_pairs(encode, pairs) for pairs in sets]


def lee_similarity(model_key: str, *, encode: Encode | None = None) -> LeeResult:
    """The Lee document correlation; TF-IDF + SVD is fitted on the 300 background documents plus the 50."""
    from core.embedding.models import create_embedder, is_corpus_fitted

    docs = lee_documents()
    if is_corpus_fitted(model_key):
        from gensim.test.utils import datapath

        with open(datapath("lee_background.cor"), encoding="latin-1") as handle:
            background = [line.strip() for line in handle if line.strip()]
        return lee_correlation(create_embedder(model_key, corpus=background + docs).encode(docs))
    return lee_correlation((encode or model_encoder(model_key))(docs))


def encode_queries_and_texts(model_key: str, queries: Sequence[str], texts: Sequence[str], *,
                             get_embedder: Callable | None = None,
                             progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Query and text vectors from one model (a corpus-fitted model is fitted on the texts and encodes both)."""
    from core.embedding.encode import l2_normalize
    from core.embedding.models import create_embedder, is_corpus_fitted

    if is_corpus_fitted(model_key):
        model = create_embedder(model_key, corpus=list(texts))
        return l2_normalize(model.encode(list(queries))), l2_normalize(model.encode(list(texts)))
    encode = model_encoder(model_key, get_embedder=get_embedder, progress=progress)
    return encode(list(queries)), encode(list(texts))


@dataclass
class LabelEvaluation:
    """Everything the label evaluation shows: classifiers, mistakes, confusions, clusters against labels."""

    labels: np.ndarray
    classifiers: dict[str, clf.ClassifierResult]
    clusters: dict[str, float] | None = None

    def summary(self) -> pd.DataFrame:
        return clf.summary_table(self.classifiers)

    def classifier_name(self, name: str) -> str:
        """A classifier's name as tables show it (the kNN with its metric)."""
        return clf.classifier_name(name, self.classifiers[name].metric)

    @property
    def conventions(self) -> str:
        """How it was computed, with the metric the kNN ranked by."""
        return clf.conventions(next(iter(self.classifiers.values())).metric if self.classifiers else "cosine")

    def confusion(self, name: str = "logreg") -> pd.DataFrame:
        return clf.confusion(self.labels, self.classifiers[name].predictions)

    def outcome(self, name: str = "logreg") -> np.ndarray:
        """Per point: 'correct' or 'misclassified' by the chosen classifier."""
        return np.where(self.classifiers[name].predictions == self.labels, "correct", "misclassified")

    def figures(self) -> dict[str, float]:
        """The plain JSON figures (knn_accuracy, logreg_accuracy, macro_f1 of each, ari, nmi)."""
        out: dict[str, float] = {}
        for name, r in self.classifiers.items():
            (lo, hi), (flo, fhi) = clf.t_interval(r.fold_accuracy), clf.t_interval(r.fold_macro_f1)
            out |= {f"{name}_accuracy": r.accuracy, f"{name}_accuracy_low": lo, f"{name}_accuracy_high": hi,
                    f"{name}_macro_f1": r.macro_f1, f"{name}_macro_f1_low": flo, f"{name}_macro_f1_high": fhi}
        out["macro_f1"] = self.classifiers["logreg"].macro_f1 if "logreg" in self.classifiers else float("nan")
        return out | (self.clusters or {})

    def per_point(self) -> pd.DataFrame:
        frame = pd.DataFrame({"label": self.labels})
        for name, r in self.classifiers.items():
            frame[f"{name}_prediction"] = r.predictions
            frame[f"{name}_correct"] = r.predictions == self.labels
        return frame


def evaluate_labels(vectors: np.ndarray, labels: npt.ArrayLike, *, clusters: np.ndarray | None = None,
                    progress: Progress | None = None, classifiers: Sequence[str] = tuple(clf.CLASSIFIERS),
                    knn_metric: str = "cosine") -> LabelEvaluation:
    """Cross-validated classifiers on the labels (kNN by `knn_metric`), and (given the map's clusters) ARI and NMI
    against them."""
    y = clf.check_labels(labels)
    results = clf.cross_validate(vectors, y, progress=progress, classifiers=classifiers, knn_metric=knn_metric)
    agreement = None if clusters is None else clf.cluster_agreement(y, clusters)
    return LabelEvaluation(y, results, agreement)


def text_clusters(vectors: np.ndarray, n_labels: int) -> np.ndarray:
    """KMeans on the unit vectors with one cluster per label (the CLI's clusters; the app uses the map's)."""
    from sklearn.cluster import KMeans

    from core.vectors import unit_rows

    return KMeans(n_labels, n_init=10, random_state=0).fit_predict(unit_rows(vectors, np.float32))
