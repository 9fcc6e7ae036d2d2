"""The whole data choice travels in a link: a chunked map's link reopens on chunked vectors."""
import zlib
from dataclasses import fields
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from components import seam
from components.maps.view_link import link_choice, link_view
from components.state import ACTIVE, SAVED, DataChoice
from core.data.builtins import lee_documents
from core.embedding.encode import embed_dataset
from core.graphs.settings import GraphParams
from core.maps.cluster_settings import ClusterSpec
from core.maps.settings import ProjectionParams
from core.maps.view_state import decode_view, encode_view
from core.tables.settings import TableSettings

ROOT = Path(__file__).resolve().parents[2]
CHOICES = [DataChoice("builtin", "glove-words", 20_000, "glove-6b-50d", "chunk", 16),
           DataChoice("upload", "0123456789abcdef", model="minilm", long_texts="chunk", overlap=0),
           DataChoice("builtin", "karate-club", model="node2vec", options=(("graph_params", GraphParams(p=0.5, q=2.0)),)),
           DataChoice("builtin", "gapminder", model="table",
                      options=(("settings", TableSettings(exclude=("continent",), dimensions=3)),))]
CHUNKED_LEE = DataChoice("builtin", "lee-documents", model="minilm", long_texts="chunk")


def _through_a_link(choice: DataChoice) -> DataChoice:
    view = link_view(choice, ProjectionParams(method="pca"), ClusterSpec(), None)
    decoded, dropped = decode_view(encode_view(view))
    assert not dropped
    return link_choice(decoded)


def test_every_part_of_the_data_choice_travels_in_a_link():
    parts = {f.name for f in fields(DataChoice)}
    tried = {name for choice in CHOICES for name in parts if getattr(choice, name) != getattr(DataChoice(), name)}
    assert tried == parts  # each part of the choice is tried with a value other than its default
    for choice in CHOICES:
        assert _through_a_link(choice) == choice


class StandIn:
    """A stand-in for MiniLM: a unit vector per text, seeded by the text."""

    dim = 384

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:
        rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dim) for t in texts]
        return (np.stack(rows) / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _refuse(model_key: str):
    raise AssertionError(f"{model_key} was loaded: the map did not open on the cached chunked vectors")


def test_a_link_to_a_chunked_map_reopens_on_chunked_vectors(monkeypatch, tmp_path):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    _, result = embed_dataset(lee_documents(), "minilm", long_texts=CHUNKED_LEE.long, get_embedder=StandIn)
    assert result.windows is not None  # the chunked vectors are cached; the truncated ones of long texts are not
    monkeypatch.setattr(seam, "embedder", _refuse)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update(encode_view(link_view(CHUNKED_LEE, ProjectionParams(method="pca"), ClusterSpec(), None)))
    at.run()
    assert not at.exception
    assert at.session_state[ACTIVE] == CHUNKED_LEE
    assert "101 long texts chunked into 256-token windows" in at.caption[0].value
    assert "350 points" in at.caption[0].value and at.get("plotly_chart")
    assert at.query_params["long_texts"] == "chunk"  # and the link the page writes back still says so
    assert at.session_state[SAVED]["ee_w_long_texts"] == "chunk"  # the Data page shows the choice


def test_an_out_of_range_size_in_a_link_is_named_with_the_size_shown():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"data": "glove-words", "n": "99999999", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception
    assert "(5,000)" in at.caption[0].value
    notices = [w.value for w in at.warning if w.value.startswith("Ignored link parameter")]
    assert notices == ["Ignored link parameter(s) with unusable values: n. Showing `n=5000` instead of `n=99999999`."]
