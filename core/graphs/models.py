"""The graph models (see core.embedding.kinds for the contract): DeepWalk, node2vec and spectral embedding."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from core.data.table import Dataset
from core.embedding.kinds import KindModel, ModelOptions
from core.errors import DataError
from core.graphs.payload import GRAPH, graph_payload
from core.graphs.settings import GRAPH_SETTINGS, GraphParams, graph_params
from core.jobs import check

if TYPE_CHECKING:  # networkx loads when a graph is embedded, not when the models are listed
    import networkx as nx

Progress = Callable[[int, int], None]
WALK_SHARE = 0.3  # of the progress bar: walks first, then the skip-gram epochs

def _options(model_key: str) -> ModelOptions:
    """The settings that change `model_key`'s vectors, under the keyword `embed` takes them."""
    return ModelOptions("graph_params", tuple(s for s in GRAPH_SETTINGS if s.applies_to(model_key)), graph_params)


MODELS: dict[str, KindModel] = {m.key: m for m in (
    KindModel("deepwalk", "DeepWalk (uniform random walks + skip-gram)",
              "Perozzi et al. (2014): uniform random walks from every node, read as sentences by gensim's "
              "skip-gram Word2Vec; nodes that share walks get close vectors. Seeded; with one worker (the default "
              "up to 5,000 nodes) every run gives the same vectors.", GRAPH, options=_options("deepwalk")),
    KindModel("node2vec", "node2vec (p/q-biased random walks + skip-gram)",
              "Grover & Leskovec (2016): walks biased by the return parameter p and the in-out parameter q "
              "(q > 1 stays local and finds communities' members alike; q < 1 explores and finds roles alike), "
              "then skip-gram as DeepWalk. Seeded; one worker by default on small graphs, so runs repeat exactly.",
              GRAPH, options=_options("node2vec")),
    KindModel("spectral", "Spectral embedding (Laplacian eigenmaps, baseline)",
              "Belkin & Niyogi (2003) through scikit-learn's SpectralEmbedding on the adjacency matrix: the "
              "smallest eigenvectors of the normalised graph Laplacian. No walks, no training: the baseline.",
              GRAPH, options=_options("spectral")),
)}
DEFAULT_MODEL = "node2vec"


def skipgram_vectors(walks: list[list[int]], n_nodes: int, params: GraphParams, *,
                     progress: Progress | None = None, cancel: threading.Event | None = None) -> np.ndarray:
    """gensim skip-gram Word2Vec on the walks (tokens are node numbers), one row per node, in node order."""
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    class _Epochs(CallbackAny2Vec):
        def __init__(self) -> None:
            self.done = 0

        def on_epoch_end(self, model) -> None:
            self.done += 1
            check(cancel)
            if progress:
                progress(self.done, params.epochs)

    model = Word2Vec(vector_size=params.dimensions, window=params.window, min_count=1, sg=1, seed=params.seed,
                     workers=params.workers_for(n_nodes), epochs=params.epochs)
    model.build_vocab(walks)
    model.train(walks, total_examples=len(walks), epochs=params.epochs, callbacks=[_Epochs()])
    return np.stack([model.wv[node] for node in range(n_nodes)]).astype(np.float32)


def walk_vectors(graph: nx.Graph, nodes: list, params: GraphParams, *, biased: bool,
                 progress: Progress | None = None, cancel: threading.Event | None = None) -> np.ndarray:
    """DeepWalk (uniform) or node2vec (p/q-biased) vectors of `nodes` (every node of `graph`, in this order)."""
    from core.graphs.walks import CsrGraph, random_walks

    csr = CsrGraph.of(graph, nodes)
    p, q = (params.p, params.q) if biased else (1.0, 1.0)
    walks = random_walks(csr, walks_per_node=params.walks_per_node, length=params.walk_length, p=p, q=q,
                         seed=params.seed, cancel=cancel, progress=_share(progress, 0.0, WALK_SHARE))
    return skipgram_vectors(walks, csr.n_nodes, params, cancel=cancel, progress=_share(progress, WALK_SHARE, 1.0))


def spectral_vectors(graph: nx.Graph, nodes: list, params: GraphParams) -> np.ndarray:
    """Laplacian eigenmaps of the adjacency matrix (scikit-learn's SpectralEmbedding)."""
    import networkx as nx
    from sklearn.manifold import SpectralEmbedding

    if len(nodes) < 3:
        raise DataError("Spectral embedding needs a graph of at least three nodes.")
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight", format="csr")
    adjacency.indices, adjacency.indptr = adjacency.indices.astype(np.int32), adjacency.indptr.astype(np.int32)
    dims = min(params.dimensions, len(nodes) - 2)
    estimator = SpectralEmbedding(n_components=dims, affinity="precomputed", random_state=params.seed)
    return estimator.fit_transform(adjacency).astype(np.float32)


def node_vectors(graph: nx.Graph, model_key: str, params: GraphParams, *, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> dict:
    """Every node's vector from `model_key`, by node id."""
    if model_key not in MODELS:
        raise DataError(f"Unknown graph model '{model_key}'. Available: {', '.join(MODELS)}.")
    nodes = list(graph.nodes())
    if model_key == "spectral":
        vectors = spectral_vectors(graph, nodes, params)
    else:
        vectors = walk_vectors(graph, nodes, params, biased=model_key == "node2vec", progress=progress,
                               cancel=cancel)
    return dict(zip(nodes, vectors))


def _share(progress: Progress | None, low: float, high: float) -> Progress | None:
    """A progress callback for one phase, mapped onto [low, high] of a 1,000-step bar."""
    if progress is None:
        return None
    return lambda done, total: progress(round(1000 * (low + (high - low) * done / max(total, 1))), 1000)


def model_id(model_key: str, params: GraphParams | None = None) -> str:
    """What made these vectors: the model and every setting that changes them (default settings without them)."""
    shown = {k: v for k, v in vars(params or GraphParams()).items() if v is not None}
    return f"{model_key}(" + ", ".join(f"{k}={v}" for k, v in shown.items()) + ")"


def embed(dataset: Dataset, model_key: str, *, progress: Progress | None = None,
          cancel: threading.Event | None = None, graph_params: GraphParams | None = None, normalize: bool = True,
          **_):
    """The dataset with a vector for each row's node, and its graph faithfulness as a column."""
    from core.embedding.encode import EmbeddingResult, l2_normalize
    from core.graphs.faithfulness import FAITH_COLUMN, graph_faithfulness

    payload = graph_payload(dataset)
    params = graph_params or GraphParams()
    by_node = node_vectors(payload.graph, model_key, params, progress=progress, cancel=cancel)
    vectors = np.stack([by_node[node] for node in payload.nodes]).astype(np.float32)
    vectors = l2_normalize(vectors) if normalize else vectors
    embedded = dataset.subset(np.ones(len(dataset), dtype=bool), reason="", vectors=vectors)
    embedded.frame[FAITH_COLUMN] = graph_faithfulness(payload.edge_rows(), vectors)
    return embedded, EmbeddingResult(vectors, model_id(model_key, params), n_cached=0, n_encoded=len(vectors))
