"""Cluster labels from class-based TF-IDF (c-TF-IDF, as in BERTopic), and the cluster table.

All texts of a cluster are one document. A term's weight in cluster c is its frequency in c
(normalised by the cluster's word count) times log(1 + A / f), where A is the average number of
words per cluster and f the term's frequency over all clusters: frequent in this cluster, rare
in the others. A label weight is that times the share of the term's (size-normalised) frequency
that falls in the cluster, so a word common in every cluster ("python" in package summaries)
sinks below the words only one cluster uses; a word that would still name several clusters names
only the one where it weighs most, while the others have words of their own. Stop words cover contractions, reporting verbs
("said", "according") and honorifics ("mr") as well as scikit-learn's English list.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import partial

import numpy as np
import pandas as pd

from core.data.table import TEXT, VECTORS, Dataset, RowNames
from core.maps.clustering import NOISE
from core.maps.metadata_labels import metadata_keywords

TOKEN_PATTERN = r"(?u)\b[^\W_][\w'-]*[^\W_]\b|\b\d\b"  # words of 2+ characters, and single digits
TOKEN_RE = re.compile(TOKEN_PATTERN)
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
TOP_N = 5
LABEL_WORDS = 3  # the keywords a cluster's name shows
MAX_TEXTS_PER_CLUSTER = 2_000
NOISE_LABEL = "noise"
MIN_COUNT = 2
CONTRACTIONS = frozenset({
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "won't",
    "wouldn't", "can't", "cannot", "couldn't", "shouldn't", "mustn't", "mightn't", "needn't", "shan't", "ain't",
    "i'm", "i've", "i'll", "i'd", "you're", "you've", "you'll", "you'd", "he'll", "he'd", "she'll", "she'd", "it'll",
    "it'd", "we're", "we've", "we'll", "we'd", "they're", "they've", "they'll", "they'd", "that'll", "that'd",
    "there'll", "there'd", "who're", "who've", "who'll", "who'd", "what're", "could've", "would've", "should've",
    "might've", "must've", "it's", "he's", "she's", "that's", "there's", "here's", "what's", "who's", "where's",
    "how's", "let's", "y'all", "o'clock", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "hasnt",
    "havent", "couldnt", "wouldnt", "shouldnt", "im", "ive", "youre", "theyre"
})
REPORTING_VERBS = frozenset({
    "said", "says", "say", "saying", "told", "tell", "tells", "according", "reported", "added", "adds", "stated",
    "stating", "claimed"
})
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "prof", "sir"})
NAMING_COLUMN = "predicted_class"  # rows without text (images) are named by what a model says they show


def naming_texts(dataset: Dataset) -> Sequence[str]:
    """The texts clusters are named from: the rows' texts, or for rows without text that a model described
    (images and their predicted class), those words."""
    if dataset.kind not in (TEXT, VECTORS) and NAMING_COLUMN in dataset.frame.columns:
        return dataset.frame[NAMING_COLUMN].fillna("").astype(str).tolist()
    return dataset.texts


def normalise(word: str) -> str:
    """Lower case, with curly apostrophes made straight."""
    return word.lower().translate(APOSTROPHES)


def tokenize(text: str) -> list[str]:
    """Words of a text (lower case, straight apostrophes), a possessive 's dropped: "Australia's" -> "australia"."""
    return [t.removesuffix("'s") for t in TOKEN_RE.findall(normalise(text))]


def parse_stop_words(text: str) -> tuple[str, ...]:
    """Custom stop words typed by a user: separated by commas, spaces or new lines, lower-cased."""
    return tuple(dict.fromkeys(w.lower() for w in re.split(r"[,\s]+", text or "") if w))


def stop_words(custom: Iterable[str] = ()) -> list[str]:
    """scikit-learn's English stop words, contractions, reporting verbs, honorifics, and the custom ones."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = ENGLISH_STOP_WORDS | CONTRACTIONS | REPORTING_VERBS | HONORIFICS | {normalise(w) for w in custom}
    return sorted(words | {w.removesuffix("'s") for w in words})


def _analyzer(stop: frozenset[str], text: str) -> list[str]:
    """The terms of a text that are not stop words."""
    return [t for t in tokenize(text) if t not in stop]


def _cluster_documents(texts: Sequence[str], labels: np.ndarray, seed: int = 0) -> tuple[list[int], list[str]]:
    """One document per cluster (noise included): its texts joined, at most MAX_TEXTS_PER_CLUSTER of them."""
    rng = np.random.default_rng(seed)
    ids, docs = [], []
    for cid in np.unique(labels):
        rows = np.flatnonzero(labels == cid)
        if len(rows) > MAX_TEXTS_PER_CLUSTER:
            rows = np.sort(rng.choice(rows, MAX_TEXTS_PER_CLUSTER, replace=False))
        ids.append(int(cid))
        docs.append(" ".join(str(texts[int(r)]) for r in rows))
    return ids, docs


def ctfidf(docs: Sequence[str], *, custom_stop_words: Iterable[str] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights: clusters x terms, terms, each term's count over all clusters) for one document per cluster."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=partial(_analyzer, frozenset(stop_words(custom_stop_words))))
    try:
        counts = vectorizer.fit_transform(docs).toarray().astype(np.float64)
    except ValueError:  # no term left after stop words
        return np.zeros((len(docs), 0)), np.array([], dtype=object), np.zeros(0)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average_words = counts.sum() / len(docs)
    idf = np.log(1 + average_words / np.maximum(counts.sum(axis=0), 1))
    return tf * idf, vectorizer.get_feature_names_out(), counts.sum(axis=0)


def cluster_share(weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each term's share of its size-normalised frequency that falls in each cluster, summed over `rows`:
    1 for a word of one cluster, 1/k for a word spread evenly over k clusters."""
    total = weights[rows].sum(axis=0, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)


def keyword_weights(weights: np.ndarray, totals: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    """c-TF-IDF weights times each term's cluster share (noise left out); words seen once get 0."""
    weights = weights * cluster_share(weights, np.flatnonzero(np.asarray(ids) != NOISE))
    if (totals >= MIN_COUNT).any():
        weights = weights * (totals >= MIN_COUNT)  # a word seen once (an id, a typo) names no cluster
    return weights


def _single_words(texts: Sequence[str], rows: np.ndarray, look_at: int = 20) -> bool:
    """Whether the texts of these rows are single words (a word-vector map), judged on the first few."""
    return all(len(tokenize(str(texts[int(r)]))) <= 1 for r in rows[:look_at])


def _shared_label_terms(weights: np.ndarray, named: dict[int, list[int]]) -> list[tuple[int, int]]:
    """(row, term) for each term of a row's label that also names another row, where it weighs more."""
    holders: dict[int, list[int]] = {}
    for row, terms in named.items():
        for term in terms:
            holders.setdefault(term, []).append(row)
    return [(row, term) for term, rows in holders.items() if len(rows) > 1
            for row in rows if row != max(rows, key=lambda r: weights[r, term])]


def label_orders(weights: np.ndarray, rows: Sequence[int], n_words: int = LABEL_WORDS) -> dict[int, np.ndarray]:
    """Each row's terms, heaviest first, except that a term of its first `n_words` that also names a row where it
    weighs more goes after the row's other terms: a word names one cluster while the others have words of their own."""
    demoted = np.zeros(weights.shape, dtype=bool)
    while True:
        orders = {r: np.lexsort((-weights[r], demoted[r], weights[r] <= 0)) for r in rows}
        named = {r: [int(t) for t in order[:n_words] if weights[r, t] > 0] for r, order in orders.items()}
        shared = [(r, t) for r, t in _shared_label_terms(weights, named) if not demoted[r, t]]
        if not shared:
            return orders
        for row, term in shared:
            demoted[row, term] = True


def cluster_keywords(texts: Sequence[str], labels: np.ndarray, *, top_n: int = TOP_N,
                     custom_stop_words: Iterable[str] = (), X: np.ndarray | None = None) -> dict[int, list[str]]:
    """The top c-TF-IDF terms of each cluster (noise gets none), no word in the labels of two clusters
    while either has other words.

    Where c-TF-IDF cannot tell terms apart because every text is a single word (a word-vector map), or finds
    no term at all, and `X` is given, a cluster is named by its members nearest its centre instead. Made-up row names
    (`RowNames`) say nothing: such clusters are named by their metadata, or by their size.
    """
    labels = np.asarray(labels)
    if isinstance(texts, RowNames):
        return metadata_keywords(texts.metadata, labels)
    ids, docs = _cluster_documents(texts, labels)
    weights, terms, totals = ctfidf(docs, custom_stop_words=custom_stop_words)
    weights = keyword_weights(weights, totals, ids)
    keywords: dict[int, list[str]] = {}
    for row, order in label_orders(weights, [r for r, cid in enumerate(ids) if cid != NOISE]).items():
        cid, order = ids[row], order[:top_n]
        tied = (len(order) > 1 and np.isclose(weights[row, order].max(), weights[row, order].min())
                and _single_words(texts, np.flatnonzero(labels == cid)))
        if X is not None and (tied or not len(order) or weights[row, order].max() <= 0):
            keywords[cid] = list(dict.fromkeys(str(texts[r]) for r in examples(X, labels, cid, top_n)))
        else:
            keywords[cid] = [str(terms[i]) for i in order if weights[row, i] > 0]
    return keywords


def cluster_name(cid: int, keywords: dict[int, list[str]], n_words: int = LABEL_WORDS) -> str:
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
