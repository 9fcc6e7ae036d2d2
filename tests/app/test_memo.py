"""The server-wide memory: vectors embedded once per choice, and shared builds made once for the same inputs."""
import numpy as np

from components.memo import server_memos, shared_view
from core.memo import Memo


def test_embedding_again_reports_what_this_call_did(monkeypatch, tmp_path):
    """A second embed of the same choice is answered from memory: all from the cache, none newly encoded."""
    import pandas as pd

    from components import seam
    from components.state import DataChoice
    from core.data.table import Dataset
    from core.embedding import encode
    from core.embedding.cache import EmbeddingCache

    texts = [f"text {i}" for i in range(5)]
    dataset = Dataset("five", pd.DataFrame({"text": texts}), "text")
    fake = type("Fake", (), {"dim": 3, "encode": lambda self, t, batch_size=64: np.ones((len(t), 3), np.float32)})()
    real_embed = encode.embed_dataset
    monkeypatch.setattr(encode, "model_id_for", lambda key, corpus=None: "fake-model")
    monkeypatch.setattr(seam, "raw_dataset", lambda choice: dataset)
    monkeypatch.setattr(seam, "embed_dataset", lambda ds, key, **kw: real_embed(
        ds, key, **(kw | {"get_embedder": lambda: fake, "cache": EmbeddingCache(tmp_path / "c.sqlite")})))
    memos = {"embedded": Memo(2)}
    monkeypatch.setattr(seam, "server_memos", lambda: memos)
    choice = DataChoice("builtin", "five", model="minilm")
    first = seam.embedded(choice)
    assert (first.n_cached, first.n_encoded) == (0, 5)
    again = seam.embedded(choice)
    assert (again.n_cached, again.n_encoded) == (5, 0)
    assert again.vectors_hash == first.vectors_hash


def test_a_shared_view_is_built_once_for_equal_arrays_and_the_same_shared_objects():
    import pandas as pd


    server_memos()["views"].items.clear()
    built = []

    def build(coords, table, *, rows, title):
        built.append(title)
        return object()

    table, coords = pd.DataFrame({"text": ["a", "b"]}), np.zeros((2, 2), dtype=np.float32)
    first = shared_view(build, coords, table, rows=np.arange(2), title="t")
    again = shared_view(build, coords.copy(), table, rows=np.arange(2), title="t")  # equal arrays, new objects
    assert again is first and built == ["t"]
    shared_view(build, coords + 1, table, rows=np.arange(2), title="t")  # other coordinates
    shared_view(build, coords, table, rows=np.arange(1), title="t")  # other rows
    shared_view(build, coords, table, rows=np.arange(2), title="u")  # another title
    shared_view(build, coords, table.copy(), rows=np.arange(2), title="t")  # a table not handed out before
    assert built == ["t"] * 3 + ["u", "t"]


def test_a_shared_view_keeps_its_inputs_alive_so_their_identity_cannot_be_reused():
    import gc
    import weakref

    import pandas as pd


    server_memos()["views"].items.clear()
    table = pd.DataFrame({"text": ["a"]})
    shared_view(lambda t: len(t), table)
    watch = weakref.ref(table)
    del table
    gc.collect()
    assert watch() is not None  # held by the entry, so no new object can take its id while the entry lives
    server_memos()["views"].items.clear()
    gc.collect()
    assert watch() is None
