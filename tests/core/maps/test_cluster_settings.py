"""Each cluster setting is defined once; ClusterSpec, the clusterer, the CLI and the link derive from it."""
from __future__ import annotations

import argparse
from dataclasses import asdict

import numpy as np
import pytest

from core.cli.args import add_cluster_arguments, add_projection_arguments, cluster_spec
from core.maps.cluster_settings import BY_NAME, CLUSTER_SETTINGS, NO_CLUSTERS, ClusterSpec, spec_from
from core.maps.clusters import cluster_map, make_clusterer
from core.maps.settings import SETTINGS
from core.maps.view_state import ViewState, decode_view, encode_view, view_fields

NON_DEFAULT = {"method": "agglomerative", "space": "vectors", "n_clusters": 7, "min_cluster_size": 40,
               "linkage": "average", "stop_words": ("said", "mr"), "random_state": 9, "min_samples": 3}
CLI_TEXT = {"stop_words": "said, mr"}  # how a value is typed, where it is not as the link writes it


def cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_cluster_arguments(parser)
    return parser.parse_args(argv)


def test_this_test_names_every_setting_with_another_value():
    assert set(NON_DEFAULT) == set(BY_NAME)
    assert all(getattr(ClusterSpec(), name) != value for name, value in NON_DEFAULT.items())


def test_cli_options_cover_every_setting_with_defaults_and_bounds():
    assert cluster_spec(cli([])) == ClusterSpec()
    argv = [a for s in CLUSTER_SETTINGS for a in (s.flag, CLI_TEXT.get(s.name, s.text(NON_DEFAULT[s.name])))]
    assert cluster_spec(cli(argv)) == ClusterSpec(**NON_DEFAULT)
    assert cluster_spec(cli(["--clusters", NO_CLUSTERS])) is None
    assert cluster_spec(cli(["--k", "0", "--min-size", "0"])) == ClusterSpec()  # 0: automatic
    for bad in (["--k", "1"], ["--min-size", "1"], ["--linkage", "centroid"], ["--clusters", "dbscan"]):
        with pytest.raises(SystemExit):
            cli(bad)


def test_todays_flags_keep_their_names():
    flags = {s.flag for s in CLUSTER_SETTINGS}
    assert {"--clusters", "--space", "--k", "--min-size", "--stop-words"} <= flags
    parser = argparse.ArgumentParser()
    add_projection_arguments(parser)
    add_cluster_arguments(parser)  # no clash with the projection's options


def test_link_round_trips_every_setting_and_drops_unusable_values():
    spec = ClusterSpec(**NON_DEFAULT)
    params = encode_view(ViewState(clusters=spec))
    assert {s.key for s in CLUSTER_SETTINGS} <= set(params) <= set(view_fields())
    assert decode_view(params) == (ViewState(clusters=spec), [])
    back, dropped = decode_view(params | {"k": "1", "linkage": "centroid"})
    assert dropped == ["k", "linkage"] and back.clusters == ClusterSpec(**NON_DEFAULT | {"n_clusters": None,
                                                                                         "linkage": "ward"})


def test_todays_links_open_as_before():
    params = {"data": "digits", "model": "precomputed", "clusters": "kmeans", "space": "vectors", "k": "10",
              "min_size": "40", "linkage": "complete", "stop": "digit,said"}
    view, dropped = decode_view(params)
    assert not dropped and view.clusters == ClusterSpec("kmeans", "vectors", 10, 40, "complete", ("digit", "said"))
    assert decode_view({"clusters": "none", "k": "oops"}) == (ViewState(clusters=None), [])
    assert {k: v for k, v in encode_view(view).items() if k in params} == params


def test_link_keys_are_unique_across_the_view():
    keys = view_fields()
    assert len(keys) == len(set(keys))
    assert not {s.key for s in SETTINGS} & {s.key for s in CLUSTER_SETTINGS}


def test_widget_values_make_the_spec():
    widgets = {s.name: s.widget_value(getattr(ClusterSpec(**NON_DEFAULT), s.name)) for s in CLUSTER_SETTINGS}
    assert widgets["stop_words"] == "said, mr" and widgets["n_clusters"] == 7
    assert spec_from({s.name: s.cast(widgets[s.name]) for s in CLUSTER_SETTINGS}) == ClusterSpec(**NON_DEFAULT)
    assert BY_NAME["n_clusters"].cast(BY_NAME["n_clusters"].widget_value(None)) is None


@pytest.mark.parametrize("method", ["kmeans", "agglomerative", "hdbscan"])
def test_the_clusterer_gets_the_settings_of_its_method(method):
    spec = ClusterSpec(**NON_DEFAULT | {"method": method})
    params = make_clusterer(spec, 1_000).get_params()
    assert params["method"] == method and params["random_state"] == spec.random_state
    assert params["n_clusters"] == (spec.n_clusters if method != "hdbscan" else None)
    assert params["min_cluster_size"] == spec.min_cluster_size
    assert params["linkage"] == (spec.linkage if method == "agglomerative" else "ward")
    assert params["min_samples"] == spec.min_samples
    assert asdict(spec) == NON_DEFAULT | {"method": method}


def test_min_samples_reaches_hdbscan_and_is_held_to_the_smallest_cluster():
    rng = np.random.default_rng(0)
    blobs = [rng.normal(centre, 1.0, size=(150, 2)) for centre in ((0, 0), (8, 0), (0, 8))]
    X = np.vstack([*blobs, rng.uniform(-4, 12, size=(90, 2))]).astype(np.float32)
    noise = {m: cluster_map(X, X, ["t"] * len(X), ClusterSpec(min_cluster_size=30, min_samples=m)).noise_share
             for m in (1, 30)}
    assert noise[30] > noise[1]  # a stricter core leaves more of the background as noise
    assert make_clusterer(ClusterSpec(min_cluster_size=10, min_samples=30), 1_000).get_params()["min_samples"] == 10
