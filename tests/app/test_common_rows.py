"""Models compared on the same points: each embedding keeps only the source rows every model embedded."""
import numpy as np
import pandas as pd

from components.common_rows import common_rows
from components.seam import Embedded
from core.data.table import Dataset
from core.hashing import hash_array


def _embedded(rows: list[int], name: str) -> Embedded:
    """An embedding of a five-row source that kept only `rows`."""
    frame = pd.DataFrame({"text": [f"text {r}" for r in rows]}, index=rows)
    vectors = np.array([[r, 1.0] for r in rows], dtype=np.float32)
    dataset = Dataset("five", frame, "text", vectors=vectors)
    return Embedded(dataset, hash_array(vectors), name)


def test_each_embedding_keeps_the_rows_all_of_them_embedded():
    a, b, c = _embedded([0, 2, 3, 4], "a"), _embedded([0, 1, 2, 4], "b"), _embedded([0, 2, 4], "c")
    ra, rb, rc = common_rows([a, b, c])
    for e in (ra, rb, rc):
        assert e.dataset.source_rows.tolist() == [0, 2, 4]
        assert e.dataset.require_vectors()[:, 0].tolist() == [0.0, 2.0, 4.0]
        assert e.dataset.texts == ["text 0", "text 2", "text 4"]
        assert e.vectors_hash == hash_array(e.dataset.require_vectors())
    assert ra.dataset.excluded.rows == [3] and rb.dataset.excluded.rows == [1]
    assert ra.dataset.excluded.reasons == ["not embedded by every model"]
    assert rc is c  # nothing to drop: the embedding itself, its hash unchanged
    assert ra.vectors_hash != a.vectors_hash and ra.model_label == "a"


def test_embeddings_of_the_same_rows_come_back_unchanged():
    a, b = _embedded([0, 1, 2], "a"), _embedded([0, 1, 2], "b")
    ra, rb = common_rows([a, b])
    assert ra is a and rb is b
