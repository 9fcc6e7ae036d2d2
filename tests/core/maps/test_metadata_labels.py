"""Clusters of vectors-only data are named by their metadata, or by their size; never by the made-up row names."""
from __future__ import annotations

import io
import pickle

import numpy as np
import pandas as pd

from core.data.loaders import load_npy
from core.data.table import RowNames
from core.maps.clustering import NOISE
from core.maps.clusters import ClusterSpec, cluster_map
from core.maps.metadata_labels import categorical_columns, metadata_keywords, naming_column

KMEANS_3 = ClusterSpec("kmeans", "vectors", n_clusters=3)


def three_blobs(n_per: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    truth = np.repeat(np.arange(3), n_per)
    return (np.eye(3, 8)[truth] * 10 + rng.normal(size=(len(truth), 8))).astype(np.float32), truth


def vectors_only(vectors: np.ndarray, metadata: pd.DataFrame | None = None):
    buf = io.BytesIO()
    np.save(buf, vectors)
    return load_npy(buf.getvalue(), name="v.npy", metadata=metadata)


def every_name(result) -> list[str]:
    """Everything that names a cluster: the row names, the keywords and the table's labels."""
    return [*map(str, result.names), *sum(result.keywords.values(), []), *result.table["label"]]


def test_vectors_only_clusters_take_the_metadata_column_that_matches_them():
    X, truth = three_blobs()
    rng = np.random.default_rng(1)
    metadata = pd.DataFrame({"digit": np.array([7, 1, 4])[truth], "batch": rng.integers(0, 3, len(truth)),
                             "score": rng.normal(size=len(truth))})
    data = vectors_only(X, metadata)
    assert data.generated_labels and isinstance(data.texts, RowNames)
    result = cluster_map(data.vectors, X[:, :2], data.texts, KMEANS_3)
    assert not any("row" in name for name in every_name(result)), every_name(result)
    digit_of = {c: metadata["digit"][result.labels == c].iloc[0] for c in range(3)}
    assert result.keywords == {c: [f"digit = {digit_of[c]} (100%)"] for c in range(3)}
    assert result.names[0] == f"{result.labels[0]}: digit = {digit_of[result.labels[0]]} (100%)"


def test_vectors_only_clusters_without_a_categorical_column_are_named_by_size():
    X, _ = three_blobs()
    X = X[:100]  # 40, 40 and 20 points
    for metadata in (None, pd.DataFrame({"score": np.linspace(0, 1, 100)})):
        data = vectors_only(X, metadata)
        result = cluster_map(data.vectors, X[:, :2], data.texts, KMEANS_3)
        assert sorted(result.table["label"]) == ["0: 40 points", "1: 40 points", "2: 20 points"]
        assert not any("row" in name for name in every_name(result))


def test_the_column_that_names_clusters_is_categorical_and_agrees_with_them():
    labels = np.array([0, 0, 0, 1, 1, 1, NOISE, NOISE])
    metadata = pd.DataFrame({"id": range(8), "half": list("aaabbbab"), "noise": list("abababab"),
                             "flag": [True] * 8, "missing": ["x", "x", None, "y", "y", None, "x", "y"]})
    assert categorical_columns(metadata) == ["half", "noise", "missing"]  # not ids, not constants
    assert naming_column(metadata, labels) == "half"
    assert metadata_keywords(metadata[["missing"]], labels) == {0: ["missing = x (67%)"], 1: ["missing = y (67%)"]}
    assert naming_column(metadata, np.full(8, NOISE)) is None


def test_row_names_are_a_list_that_keeps_its_metadata_through_pickling():
    names = RowNames(["row 0", "row 1"], pd.DataFrame({"g": [1, 2]}))
    back = pickle.loads(pickle.dumps(names))
    assert back == ["row 0", "row 1"] and back.metadata["g"].tolist() == [1, 2]
    assert vectors_only(np.eye(4, dtype=np.float32), pd.DataFrame({"title": list("abcd")})).texts == list("abcd")
