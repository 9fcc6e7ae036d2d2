"""Cluster labels from class-based TF-IDF (c-TF-IDF, as in BERTopic), and the cluster table.

All texts of a cluster are one document. A term's weight in cluster c is its frequency in c
(normalised by the cluster's word count) times log(1 + A / f), where A is the average number of
words per cluster and f the term's frequency over all clusters: frequent in this cluster, rare
in the others.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from core.maps.clustering import NOISE

TOKEN_PATTERN = r"(?u)\b[^\W_][\w'-]*[^\W_]\b|\b\d\b"  # words of 2+ characters, and single digits
TOP_N = 5
MAX_TEXTS_PER_CLUSTER = 2_000
NOISE_LABEL = "noise"
MIN_COUNT = 2


def parse_stop_words(text: str) -> tuple[str, ...]:
    """Custom stop words typed by a user: separated by commas, spaces or new lines, lower-cased."""
    return tuple(dict.fromkeys(w.lower() for w in re.split(r"[,\s]+", text or "") if w))


def stop_words(custom: Iterable[str] = ()) -> list[str]:
    """scikit-learn's English stop words plus the custom ones."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | {w.lower() for w in custom})


def _cluster_documents(texts: Sequence[str], labels: np.ndarray, seed: int = 0) -> tuple[list[int], list[str]]:
    """One document per cluster (noise included): its texts joined, at most MAX_TEXTS_PER_CLUSTER of them."""
    rng = np.random.default_rng(seed)
    ids, docs = [], []
    for cid in np.unique(labels):
        rows = np.flatnonzero(labels == cid)
        if len(rows) > MAX_TEXTS_PER_CLUSTER:
            rows = np.sort(rng.choice(rows, MAX_TEXTS_PER_CLUSTER, replace=False))
        ids.append(int(cid))
        docs.append(" ".join(str(texts[r]) for r in rows))
    return ids, docs


def ctfidf(docs: Sequence[str], *, custom_stop_words: Iterable[str] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights: clusters x terms, terms, each term's count over all clusters) for one document per cluster."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words=stop_words(custom_stop_words), token_pattern=TOKEN_PATTERN)
    try:
        counts = vectorizer.fit_transform(docs).toarray().astype(np.float64)
    except ValueError:  # no term left after stop words
        return np.zeros((len(docs), 0)), np.array([], dtype=object), np.zeros(0)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average_words = counts.sum() / len(docs)
    idf = np.log(1 + average_words / np.maximum(counts.sum(axis=0), 1))
    return tf * idf, vectorizer.get_feature_names_out(), counts.sum(axis=0)


def cluster_keywords(texts: Sequence[str], labels: np.ndarray, *, top_n: int = TOP_N,
                     custom_stop_words: Iterable[str] = (), X: np.ndarray | None = None) -> dict[int, list[str]]:
    """The top c-TF-IDF terms of each cluster (noise gets none).

    Where c-TF-IDF cannot tell terms apart (every text a single word, as in a word-vector map), and
    `X` is given, a cluster is named by its members nearest its centre instead.
    """
    labels = np.asarray(labels)
    ids, docs = _cluster_documents(texts, labels)
    weights, terms, totals = ctfidf(docs, custom_stop_words=custom_stop_words)
    if (totals >= MIN_COUNT).any():
        weights = weights * (totals >= MIN_COUNT)  # a word seen once (an id, a typo) names no cluster
    keywords: dict[int, list[str]] = {}
    for row, cid in enumerate(ids):
        if cid == NOISE:
            continue
        order = np.argsort(-weights[row], kind="stable")[:top_n]
        tied = len(order) > 1 and np.isclose(weights[row, order[0]], weights[row, order[-1]])
        if X is not None and (tied or not len(order) or weights[row, order[0]] <= 0):
            keywords[cid] = list(dict.fromkeys(str(texts[r]) for r in examples(X, labels, cid, top_n)))
        else:
            keywords[cid] = [str(terms[i]) for i in order if weights[row, i] > 0]
    return keywords


def cluster_name(cid: int, keywords: dict[int, list[str]], n_words: int = 3) -> str:
    """'3: goal, match, striker'; HDBSCAN's noise is 'noise'."""
    if cid == NOISE:
        return NOISE_LABEL
    words = ", ".join(keywords.get(cid, [])[:n_words])
    return f"{cid}: {words}" if words else str(cid)


def cluster_names(labels: np.ndarray, keywords: dict[int, list[str]]) -> np.ndarray:
    """The display name of every row's cluster."""
    names = {int(c): cluster_name(int(c), keywords) for c in np.unique(labels)}
    return np.asarray([names[int(c)] for c in labels], dtype=object)


def examples(X: np.ndarray, labels: np.ndarray, cid: int, n: int = 3) -> np.ndarray:
    """Rows of the n members closest to the cluster's centre in X."""
    rows = np.flatnonzero(labels == cid)
    centre = X[rows].mean(axis=0)
    return rows[np.argsort(((X[rows] - centre) ** 2).sum(axis=1), kind="stable")[:n]]


def cluster_table(texts: Sequence[str], labels: np.ndarray, keywords: dict[int, list[str]], X: np.ndarray,
                  *, n_examples: int = 3) -> pd.DataFrame:
    """One row per cluster (noise last): size, share, keywords and the texts nearest its centre."""
    labels = np.asarray(labels)
    rows = []
    for cid in sorted(np.unique(labels).tolist(), key=lambda c: (c == NOISE, c)):
        size = int((labels == cid).sum())
        picked = examples(X, labels, cid, n_examples) if cid != NOISE else np.flatnonzero(labels == cid)[:n_examples]
        rows.append({"cluster": cid, "label": cluster_name(cid, keywords), "size": size,
                     "share": size / len(labels), "keywords": ", ".join(keywords.get(cid, [])),
                     "examples": " | ".join(str(texts[r])[:160] for r in picked)})
    return pd.DataFrame(rows)
