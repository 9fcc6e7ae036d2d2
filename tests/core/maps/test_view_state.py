"""The view state survives a trip through the URL."""
from __future__ import annotations

from dataclasses import fields

import pytest

from core.data.builtins import BUILTINS, DEFAULT_SIZE
from core.embedding.windows import LongTexts
from core.maps.clusters import ClusterSpec
from core.maps.projection import ProjectionParams
from core.maps.settings import SETTINGS
from core.maps.view_state import (
    Ignored,
    ViewState,
    decode_view,
    encode_view,
    ignored,
    view_fields,
)

VIEWS = [
    ViewState(),
    ViewState(dataset="glove-words", size=20_000, model="precomputed", color="frequency_rank"),
    ViewState(source="upload", dataset="0123456789abcdef0123456789abcdef", model="st:/models/my model",
              projection=ProjectionParams("tsne", 3, 15, 0.1, 12.5, "euclidean", 7)),
    ViewState(projection=ProjectionParams("umap", 2, 50, 0.37, 30.0, "manhattan", 0), color="faithfulness: kNN kept",
              clusters=ClusterSpec("kmeans", "vectors", n_clusters=8, stop_words=("said", "mr"))),
    ViewState(dataset="digits", model="precomputed", color="digit",
              clusters=ClusterSpec("hdbscan", "map", min_cluster_size=40, linkage="average")),
    ViewState(clusters=ClusterSpec("agglomerative", "vectors", linkage="complete"), color="thème é ü ∑"),
    ViewState(clusters=None),
    ViewState(dataset="lee-documents", long_texts=LongTexts("chunk", 16), clusters=ClusterSpec(random_state=3)),
    ViewState(source="upload", dataset="0123456789abcdef", long_texts=LongTexts("chunk", 0)),
]


@pytest.mark.parametrize("view", VIEWS)
def test_round_trip(view):
    params = encode_view(view)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert set(params) <= set(view_fields())
    decoded, dropped = decode_view(params)
    assert decoded == view and dropped == []


def test_round_trip_through_a_real_query_string():
    from urllib.parse import parse_qs, urlencode

    view = VIEWS[3]
    query = urlencode(encode_view(view))
    decoded, dropped = decode_view({k: v for k, v in parse_qs(query).items()})  # lists, as browsers send repeats
    assert decoded == view and not dropped


def test_bad_values_are_dropped_and_named():
    view, dropped = decode_view({"data": "nope", "method": "mds", "dims": "4", "neighbors": "abc", "min_dist": "2",
                                 "seed": "-1", "metric": "cosine", "clusters": "kmeans", "k": "1", "space": "x",
                                 "unrelated": "kept out"})
    assert set(dropped) == {"data", "method", "dims", "neighbors", "min_dist", "seed", "k", "space"}
    assert view.projection == ProjectionParams(metric="cosine")
    assert view.clusters == ClusterSpec("kmeans") and view.dataset == ViewState().dataset


def test_upload_ids_must_look_like_hashes():
    view, dropped = decode_view({"data": "upload:../../etc/passwd"})
    assert view.source == "builtin" and dropped == ["data"]


def test_no_parameters_is_the_default_view():
    assert decode_view({}) == (ViewState(), [])
    assert ViewState().clusters == ClusterSpec()  # clusters are on unless a link says clusters=none
    assert encode_view(ViewState(clusters=None))["clusters"] == "none"


def test_every_projection_parameter_has_a_url_key():
    keys = set(view_fields())
    assert {s.name for s in SETTINGS if s.key in keys} == {f.name for f in fields(ProjectionParams)}


SIZED = [k for k, b in BUILTINS.items() if b.sized]


@pytest.mark.parametrize("key", SIZED)
def test_sized_bounds_are_what_the_url_accepts(key):
    sized = BUILTINS[key].sized
    for n in (sized.low, sized.default, sized.high):
        assert decode_view({"data": key, "n": str(n)}) == (ViewState(dataset=key, size=n), [])
    for n in (sized.low - 1, sized.high + 1):
        view, dropped = decode_view({"data": key, "n": str(n)})
        assert dropped == ["n"] and view.size == sized.default
    assert decode_view({"data": key})[0].size == sized.default


def test_only_sized_datasets_carry_a_size():
    assert SIZED
    for key, spec in BUILTINS.items():
        assert ("n" in encode_view(ViewState(dataset=key))) == (spec.sized is not None)
    assert "n" not in encode_view(ViewState(source="upload", dataset="0123456789abcdef", size=20))
    assert decode_view({"data": "digits", "n": "20"}) == (ViewState(dataset="digits", size=DEFAULT_SIZE), [])


def test_the_long_text_choice_travels_and_truncation_stays_out_of_the_link():
    chunked = encode_view(ViewState(dataset="lee-documents", long_texts=LongTexts("chunk", 16)))
    assert (chunked["long_texts"], chunked["overlap"]) == ("chunk", "16")
    assert not {"long_texts", "overlap"} & set(encode_view(ViewState(dataset="lee-documents")))
    assert decode_view({"data": "lee-documents"})[0].long_texts == LongTexts()  # links written before
    assert decode_view({"long_texts": "chunk"})[0].long_texts == LongTexts("chunk")
    view, dropped = decode_view({"long_texts": "split", "overlap": "999"})
    assert view.long_texts == LongTexts() and dropped == ["long_texts", "overlap"]


def test_each_ignored_parameter_comes_with_the_value_shown_instead():
    params = {"data": "glove-words", "n": "99999999", "method": "mds", "clusters": "kmeans", "k": "1"}
    view, dropped = decode_view(params)
    assert ignored(params, view, dropped) == [Ignored("n", "99999999", str(BUILTINS["glove-words"].sized.default)),
                                              Ignored("method", "mds", "umap"), Ignored("k", "1", None)]
