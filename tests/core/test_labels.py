"""Cluster labels by c-TF-IDF on a corpus with obvious topics."""
from __future__ import annotations

import numpy as np
import pytest

from core.maps.clustering import NOISE
from core.maps.clusters import ClusterSpec, cluster_map
from core.maps.labels import (
    NOISE_LABEL,
    cluster_keywords,
    cluster_name,
    cluster_names,
    cluster_table,
    ctfidf,
    parse_stop_words,
)
from tests.core.topics_corpus import VOCABULARY, corpus, tfidf_vectors


def topic_of(words: list[str]) -> set[str]:
    """The topics whose vocabulary contains every one of `words`."""
    return {name for name, vocab in VOCABULARY.items() if set(words) <= vocab}


def test_true_topics_get_their_own_words():
    texts, topics, names = corpus()
    keywords = cluster_keywords(texts, topics, top_n=5)
    for cid, name in enumerate(names):
        assert topic_of(keywords[cid]) == {name}, (name, keywords[cid])
    assert keywords[0][:2] == ["team", "match"] or "striker" in keywords[0]


def test_clusters_found_on_the_corpus_are_labelled_by_their_topic():
    texts, topics, names = corpus()
    vectors = tfidf_vectors(texts)
    result = cluster_map(vectors, vectors[:, :2], texts, ClusterSpec("kmeans", "vectors", n_clusters=3))
    found = [topic_of(result.keywords[c][:3]) for c in range(3)]
    assert all(len(t) == 1 for t in found), result.keywords
    assert set.union(*found) == set(names)  # one cluster per topic, each named by its own words
    assert result.names[0].startswith(f"{result.labels[0]}: ")


def test_custom_stop_words_leave_the_labels():
    texts, topics, _ = corpus()
    plain = cluster_keywords(texts, topics)
    custom = cluster_keywords(texts, topics, custom_stop_words=parse_stop_words("team, MATCH\nrain"))
    assert "team" in plain[0] and "rain" in plain[1]
    assert not {"team", "match"} & set(custom[0]) and "rain" not in custom[1]
    assert not {"the", "and", "of"} & set(sum(plain.values(), []))  # English stop words never label a cluster


def test_ctfidf_weights_by_hand():
    weights, terms, totals = ctfidf(["apple apple pear", "pear kiwi"])
    assert list(terms) == ["apple", "kiwi", "pear"]
    # A = 5 words / 2 clusters; f(apple)=2, f(kiwi)=1, f(pear)=2; tf normalised per cluster
    expected = np.array([[2 / 3 * np.log(1 + 2.5 / 2), 0, 1 / 3 * np.log(1 + 2.5 / 2)],
                         [0, 1 / 2 * np.log(1 + 2.5 / 1), 1 / 2 * np.log(1 + 2.5 / 2)]])
    np.testing.assert_allclose(weights, expected)
    np.testing.assert_array_equal(totals, [2, 1, 2])
    assert ctfidf(["the and of", "is it"])[0].shape == (2, 0)  # only stop words: no terms, no crash


def test_words_seen_once_name_no_cluster():
    texts = ["digit 3 (#101)", "digit 3 (#102)", "digit 7 (#103)", "digit 7 (#104)"]
    keywords = cluster_keywords(texts, np.array([0, 0, 1, 1]))
    assert keywords == {0: ["3", "digit"], 1: ["7", "digit"]}  # not the row ids


def test_single_word_texts_are_named_by_their_central_members():
    words = ["cat", "dog", "cow", "red", "blue", "green"]
    X = np.array([[1.0, 0], [1.1, 0], [0.9, 0.05], [0, 1.0], [0, 1.1], [0.05, 3.0]])
    keywords = cluster_keywords(words, np.array([0, 0, 0, 1, 1, 1]), top_n=2, X=X)
    assert keywords == {0: ["cat", "dog"], 1: ["blue", "red"]}  # nearest each centre, not alphabetical


def test_noise_is_named_noise_and_has_no_keywords():
    texts, topics, _ = corpus()
    labels = topics.copy()
    labels[:3] = NOISE
    keywords = cluster_keywords(texts, labels)
    assert NOISE not in keywords
    assert cluster_name(NOISE, keywords) == NOISE_LABEL
    assert list(cluster_names(labels[:4], keywords))[:3] == [NOISE_LABEL] * 3


def test_table_has_sizes_shares_keywords_and_central_examples():
    texts, topics, _ = corpus()
    labels = topics.copy()
    labels[-1] = NOISE
    vectors = tfidf_vectors(texts)
    table = cluster_table(texts, labels, cluster_keywords(texts, labels), vectors)
    assert list(table.columns) == ["cluster", "label", "size", "share", "keywords", "examples"]
    assert list(table["cluster"]) == [0, 1, 2, NOISE] and list(table["size"]) == [10, 10, 9, 1]
    assert table["share"].sum() == pytest.approx(1.0)
    assert all(len(row.split(" | ")) == 3 for row in table["examples"][:3])
    assert table["label"].iloc[-1] == NOISE_LABEL


def test_parse_stop_words():
    assert parse_stop_words(" Said, mr\n, year  said ") == ("said", "mr", "year")
    assert parse_stop_words("") == ()
