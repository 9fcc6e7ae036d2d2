"""Cluster labels by c-TF-IDF on a corpus with obvious topics."""
from __future__ import annotations

import numpy as np
import pytest

from core.maps.clustering import NOISE
from core.maps.clusters import ClusterSpec, cluster_map
from core.maps.labels import (
    LABEL_WORDS,
    NOISE_LABEL,
    cluster_keywords,
    cluster_name,
    cluster_names,
    cluster_table,
    ctfidf,
    keyword_weights,
    parse_stop_words,
    stop_words,
    tokenize,
)
from tests.support.topics_corpus import VOCABULARY, corpus, tfidf_vectors


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


def package_summaries() -> tuple[list[str], np.ndarray]:
    """Six clusters of package summaries: 'python' in every text, each cluster with ten words of its own."""
    topics = ["web http server routing requests cookies sessions templates middleware urls",
              "dataframe csv tables columns rows joins parquet excel pivot schema",
              "plot charts figures axes colours legends histograms scatter maps widgets",
              "neural training tensors gpu layers gradients models inference datasets optimisers",
              "testing fixtures assertions mocks coverage runners parametrize snapshots property plugins",
              "async sockets events loop coroutines queues streams timers callbacks protocols"]
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for cid, words in enumerate(topics):
        for _ in range(40):
            picked = rng.choice(words.split(), 2, replace=False)
            texts.append(f"Python tools for {picked[0]} and {picked[1]} in Python")
            labels.append(cid)
    return texts, np.array(labels)


def test_a_word_frequent_in_every_cluster_never_labels_one():
    texts, labels = package_summaries()
    keywords = cluster_keywords(texts, labels, top_n=4)
    assert len(keywords) == 6
    assert all(not {"python", "tools"} & set(words) for words in keywords.values()), keywords


def test_a_shared_word_weighs_less_than_a_distinctive_one():
    weights, terms, totals = ctfidf(["python " * 8 + "web web", "python " * 8 + "csv csv"])
    assert weights[0, list(terms).index("python")] > weights[0, list(terms).index("web")]  # plain c-TF-IDF
    shared = keyword_weights(weights, totals, [0, 1])
    assert shared[0, list(terms).index("web")] > shared[0, list(terms).index("python")]


def test_contractions_reporting_verbs_and_honorifics_are_stop_words():
    texts = ["Mr Smith said it's late and don’t wait, he says.", "Mrs Jones told us that’s fine according to Dr Brown.",
             "The storm hit the coast, officials said.", "The storm's rain flooded the coast, it’s reported."]
    keywords = cluster_keywords(texts, np.array([0, 0, 1, 1]), top_n=10)
    banned = {"said", "says", "told", "according", "reported", "mr", "mrs", "dr", "it's", "don't", "that's", "don",
              "it", "s", "t"}
    assert not banned & set(sum(keywords.values(), [])), keywords
    assert keywords[1][:2] == ["coast", "storm"]  # "storm's" counts as "storm"
    assert tokenize("It’s Australia’s “best” don't") == ["it", "australia", "best", "don't"]


def test_curly_custom_stop_words_work_like_straight_ones():
    assert "don't" in stop_words(["Don’t"]) and "year" in stop_words(["YEAR"])


def test_lee_news_labels_have_no_reporting_verbs_or_contractions():
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from core.data.builtins import lee_sentences

    texts = lee_sentences().frame["text"].tolist()
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts)
    labels = KMeans(8, random_state=0, n_init=1).fit_predict(vectors)
    words = set(sum(cluster_keywords(texts, labels, top_n=5).values(), []))
    assert not {"said", "says", "say", "mr", "don't", "it's", "told", "according"} & words, words


def test_a_word_shared_by_two_clusters_names_only_one():
    topics = {"web": "server routing cookies sessions templates middleware urls requests headers proxies",
              "data": "dataframe tables columns joins parquet pivot schema rows excel csv",
              "weather": "rain storm snow wind hail flood frost fog drought heatwave"}
    texts, labels = [], []
    for cid, (name, words) in enumerate(topics.items()):
        for i in range(20):
            shared = "python python " if name != "weather" else ""  # frequent in two clusters, absent from the third
            texts.append(shared + words.split()[i % 10])
            labels.append(cid)
    keywords = cluster_keywords(texts, np.array(labels))
    named = [words[:LABEL_WORDS] for words in keywords.values()]
    assert sum("python" in words for words in named) == 1, keywords
    assert all(len(words) == LABEL_WORDS for words in named)  # the other cluster is named by its own words
    everywhere = [w for words in named for w in words]
    assert len(everywhere) == len(set(everywhere))  # no word names two clusters


def test_clusters_of_sentences_with_tied_terms_are_named_by_words_not_whole_sentences():
    texts = ["Quick brown foxes jump", "Quick brown foxes jump", "Lazy dogs sleep daily", "Lazy dogs sleep daily"]
    X = np.array([[0.0, 0], [0.1, 0], [5, 5], [5.1, 5]])
    keywords = cluster_keywords(texts, np.array([0, 0, 1, 1]), X=X)
    assert keywords == {0: ["brown", "foxes", "jump", "quick"], 1: ["daily", "dogs", "lazy", "sleep"]}
