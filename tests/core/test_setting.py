"""Each table of settings defines its parameter dataclass; a setting reads and writes its own values."""
from __future__ import annotations

import argparse
from dataclasses import MISSING, fields

import pytest

from core.cli.args import add_setting_argument
from core.maps.cluster_settings import CLUSTER_SETTINGS, ClusterSpec
from core.maps.settings import SETTINGS, ProjectionParams
from core.setting import Setting
from core.training.settings import SETTINGS as TRAINING_SETTINGS
from core.training.settings import TrainParams

TABLES = [(ProjectionParams, SETTINGS), (TrainParams, TRAINING_SETTINGS), (ClusterSpec, CLUSTER_SETTINGS)]
AUTO = Setting("n", "n", "Count", None, bounds=(2, 10), widget="number", auto="suggest", help="how many, 1% at most")
WORDS = Setting("words", "words", "Words", (), widget="text", convert=lambda text: tuple(text.split()))


@pytest.mark.parametrize(("params", "table"), TABLES, ids=lambda t: getattr(t, "__name__", ""))
def test_the_dataclass_fields_are_the_table_rows(params, table):
    assert [(f.name, f.default) for f in fields(params)] == [(s.name, s.default) for s in table]
    assert all(f.default is not MISSING for f in fields(params))
    plain = [(f.type, type(s.default)) for f, s in zip(fields(params), table) if isinstance(s.default, (int, float, str))]
    assert all(annotation is kind for annotation, kind in plain)  # a written-out type, not Any
    assert [f.type for f, s in zip(fields(params), table) if s.auto] == [int | None] * sum(bool(s.auto) for s in table)
    assert params.__dataclass_params__.frozen


def test_an_automatic_setting_reads_0_as_none_and_keeps_its_bounds():
    assert AUTO.parse("0") is None and AUTO.parse("7") == 7 and AUTO.cast(0) is None
    with pytest.raises(ValueError):
        AUTO.parse("1")  # neither automatic nor within 2..10
    assert AUTO.text(None) == "0" and AUTO.widget_value(None) == 0 and AUTO.widget_value(4) == 4
    assert AUTO.describe() == "how many, 1% at most (2..10, 0 = suggest; default 0)"


def test_a_converted_setting_writes_what_it_reads():
    assert WORDS.parse("said mr") == ("said", "mr") and WORDS.text(("said", "mr")) == "said,mr"
    assert WORDS.widget_value(("said", "mr")) == "said, mr" and WORDS.describe() == "Words (default none)"


def test_cli_options_take_their_names_and_escape_percent_signs():
    parser = argparse.ArgumentParser()
    add_setting_argument(parser, AUTO)
    add_setting_argument(parser, Setting("x", "x_key", "X", 1, bounds=(0, 5), cli_name="other_name"))
    assert "1% at most" in parser.format_help()
    assert vars(parser.parse_args(["--n", "0", "--other-name", "3"])) == {"n": None, "x_key": 3}
    assert Setting("x", "x_key", "X", 1, widget_name="box").widget_key == "ee_w_box"


def test_floats_are_written_exactly():
    setting = Setting("f", "f", "F", 0.1, bounds=(0.0, 1.0))
    assert setting.text(0.1 + 0.2) == repr(0.1 + 0.2) and setting.parse(setting.text(0.1 + 0.2)) == 0.1 + 0.2
