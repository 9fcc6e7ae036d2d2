"""Graph models: the skip-gram is gensim's on the same walks, runs repeat, and the karate clubs separate."""
from __future__ import annotations

import threading

import networkx as nx
import numpy as np
import pytest

from core.data.builtins import load_builtin
from core.embedding.encode import embed_dataset
from core.embedding.kinds import models_for
from core.errors import Cancelled
from core.evaluation.evaluate import evaluate_labels
from core.graphs.models import skipgram_vectors
from core.graphs.settings import GRAPH_SETTINGS, GraphParams, graph_params
from core.graphs.walks import CsrGraph, random_walks

FAST = GraphParams(walks_per_node=10, walk_length=20, dimensions=16, epochs=5)


def test_settings_table_covers_every_parameter():
    assert {s.name for s in GRAPH_SETTINGS} == set(vars(GraphParams()))
    assert graph_params({s.key: s.default for s in GRAPH_SETTINGS}) == GraphParams()
    assert graph_params({"walk_workers": 0, "p": "0.5"}) == GraphParams(p=0.5)


def test_skipgram_equals_gensim_on_the_same_walks():
    from gensim.models import Word2Vec

    csr = CsrGraph.of(nx.karate_club_graph(), list(range(34)))
    walks = random_walks(csr, walks_per_node=4, length=10, seed=0)
    ours = skipgram_vectors(walks, 34, FAST)
    plain = Word2Vec(walks, vector_size=16, window=FAST.window, min_count=1, sg=1, seed=0, workers=1, epochs=5)
    np.testing.assert_allclose(ours, np.stack([plain.wv[i] for i in range(34)]), rtol=1e-6)


@pytest.mark.parametrize("model", ["deepwalk", "node2vec"])
def test_karate_clubs_separate(model):
    karate = load_builtin("karate-club")
    embedded, result = embed_dataset(karate, model, graph_params=FAST)
    assert embedded.vectors.shape == (34, 16)
    figures = evaluate_labels(embedded.vectors, embedded.frame["club"]).figures()
    assert figures["knn_accuracy"] >= 0.9 and figures["logreg_accuracy"] >= 0.9
    assert model in result.model_id


def test_one_worker_runs_repeat_exactly():
    karate = load_builtin("karate-club")
    first, _ = embed_dataset(karate, "node2vec", graph_params=GraphParams(p=0.5, q=2.0, dimensions=8, epochs=2))
    again, _ = embed_dataset(karate, "node2vec", graph_params=GraphParams(p=0.5, q=2.0, dimensions=8, epochs=2))
    np.testing.assert_array_equal(first.vectors, again.vectors)


def test_spectral_is_scikit_learns():
    from sklearn.manifold import SpectralEmbedding

    graph = nx.les_miserables_graph()
    embedded, _ = embed_dataset(load_builtin("les-miserables"), "spectral", graph_params=GraphParams(dimensions=4),
                                normalize=False)
    plain = SpectralEmbedding(4, affinity="precomputed", random_state=0).fit_transform(
        nx.to_numpy_array(graph, nodelist=list(graph.nodes())))
    np.testing.assert_allclose(np.abs(embedded.vectors), np.abs(plain), atol=1e-4)


def test_graph_models_are_offered_for_graphs_only():
    karate = load_builtin("karate-club")
    assert models_for(karate)[0] == "node2vec"
    assert set(models_for(karate)) >= {"deepwalk", "node2vec", "spectral"}
    assert not {"deepwalk", "node2vec", "spectral"} & set(models_for(load_builtin("lee-documents")))


def test_a_subset_keeps_its_nodes_vectors():
    karate = load_builtin("karate-club")
    full, _ = embed_dataset(karate, "deepwalk", graph_params=FAST)
    part = karate.subset(np.arange(34) % 2 == 0, reason="test")
    half, _ = embed_dataset(part, "deepwalk", graph_params=FAST)
    np.testing.assert_allclose(half.vectors, full.vectors[::2], rtol=1e-6)


def test_cancel_stops_the_run():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        embed_dataset(load_builtin("karate-club"), "deepwalk", graph_params=FAST, cancel=cancel)
