"""Each projection setting is defined once; ProjectionParams, Projector, the CLI and the link derive from it."""
from __future__ import annotations

import argparse
from dataclasses import asdict, fields

import pytest
from sklearn.base import clone

from core.cli.args import add_projection_arguments, projection_params
from core.maps.projector import Projector
from core.maps.settings import BY_NAME, SETTINGS, ProjectionParams, params_from, reducer_args
from core.maps.view_state import ViewState, decode_view, encode_view
from core.setting import Setting

NON_DEFAULT = {"method": "tsne", "n_components": 3, "n_neighbors": 40, "min_dist": 0.25, "perplexity": 12.5,
               "metric": "manhattan", "random_state": 7}


def cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_projection_arguments(parser)
    return parser.parse_args(argv)


def test_params_fields_and_defaults_come_from_the_settings():
    assert [f.name for f in fields(ProjectionParams)] == [s.name for s in SETTINGS]
    assert asdict(ProjectionParams()) == {s.name: s.default for s in SETTINGS}
    assert set(NON_DEFAULT) == set(BY_NAME)  # this test names every setting


def test_projector_parameters_are_the_settings():
    projector = Projector("pca", random_state=3)
    assert projector.get_params() == {s.name: s.default for s in SETTINGS} | {"method": "pca", "random_state": 3}
    twin = clone(Projector(**NON_DEFAULT))
    assert twin.get_params() == NON_DEFAULT
    with pytest.raises(TypeError):
        Projector(not_a_setting=2.0)


def test_cli_options_cover_every_setting_with_defaults_and_bounds():
    assert projection_params(cli([])) == ProjectionParams()
    argv = [arg for s in SETTINGS for arg in (s.flag, str(NON_DEFAULT[s.name]))]
    assert projection_params(cli(argv)) == ProjectionParams(**NON_DEFAULT)
    with pytest.raises(SystemExit):
        cli(["--neighbors", "500"])  # outside 2..200
    with pytest.raises(SystemExit):
        cli(["--method", "mds"])


def test_link_round_trips_every_setting_and_drops_out_of_bounds_values():
    view = ViewState(projection=ProjectionParams(**NON_DEFAULT))
    params = encode_view(view)
    assert {s.key for s in SETTINGS} <= set(params)
    assert decode_view(params)[0].projection == view.projection
    back, dropped = decode_view(params | {"neighbors": "500", "min_dist": "-1"})
    assert dropped == ["neighbors", "min_dist"]
    assert back.projection.n_neighbors == BY_NAME["n_neighbors"].default


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_parse_accepts_the_default_and_rejects_out_of_range(setting: Setting):
    assert setting.parse(str(setting.default)) == setting.default
    bad = "not-a-choice" if setting.choices else str(setting.bounds[1] + 1)
    with pytest.raises(ValueError):
        setting.parse(bad)


def test_params_from_casts_and_fills_defaults():
    params = params_from({"n_neighbors": 30.0, "perplexity": 5, "method": None})
    assert params.n_neighbors == 30 and isinstance(params.n_neighbors, int)
    assert params.perplexity == 5.0 and isinstance(params.perplexity, float)
    assert params.method == BY_NAME["method"].default


def test_reducer_args_are_the_pass_through_settings_of_that_method():
    params = ProjectionParams(min_dist=0.3)
    assert reducer_args(params, "umap")["min_dist"] == 0.3
    assert "n_neighbors" not in reducer_args(params, "umap")  # clamped to the data by Projector itself
    assert reducer_args(params, "pca") == {}
