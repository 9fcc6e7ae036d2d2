"""Hostile labels stay inert text in the standalone HTML map and in the audit report: no live tag."""
from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from core.audits.report import ReportSection, build_report
from core.maps.export import standalone_html
from core.maps.figure import build_scatter
from core.maps.label_layout import short_label

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
            "<svg onload=alert(1)>")
LIVE_TAG = re.compile(r"<(?:script>alert|img src=x|a href=\"javascript|svg onload)", re.I)


def hostile(place: str, i: int = 0) -> str:
    return f"{place} {PAYLOADS[i % len(PAYLOADS)]}"


def decoded(page: str) -> str:
    """The page with JSON string escapes undone (plotly writes '<' as \\u003c), as plotly.js will see the labels."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    return text.replace("\\/", "/").replace('\\"', '"')


def assert_inert(page: str, labels: list[str]) -> None:
    """No hostile tag is live anywhere, and every hostile label is there, escaped (quotes may stay plain)."""
    text = decoded(page)
    assert not LIVE_TAG.search(text), LIVE_TAG.search(text).group(0)
    text = text.replace("&quot;", '"').replace("&#x27;", "'")
    missing = [label for label in labels if html.escape(label, quote=False) not in text]
    assert not missing, missing


def hostile_map(dims: int) -> tuple[np.ndarray, pd.DataFrame, list[str]]:
    """Coordinates and a table whose texts, categories, column names and values are all hostile."""
    n = 12
    coords = np.random.default_rng(0).normal(size=(n, dims))
    frame = pd.DataFrame({"text": [hostile("text", i) for i in range(n)],
                          "group": [hostile("group", i % 3) for i in range(n)],
                          hostile("column", 1): [hostile("value", i) for i in range(n)],
                          hostile("score", 2): np.linspace(-1, 1, n)})
    labels = [*frame["text"], *frame["group"].unique(), hostile("column", 1), *frame[hostile("column", 1)]]
    return coords, frame, labels


@pytest.mark.parametrize("dims", [2, 3])
def test_standalone_map_keeps_hostile_labels_inert(dims):
    coords, frame, labels = hostile_map(dims)
    centres = {hostile("cluster", i): coords[i] for i in range(3)}
    fig = build_scatter(coords, frame, text_column="text", color="group", hover_columns=[hostile("column", 1)],
                        labels=centres, title=hostile("title", 3))
    page = standalone_html(fig, title=hostile("file title", 0))
    shown_centres = [short_label(name) for name in centres]  # long cluster labels are cut at a word
    assert_inert(page, [*labels, *shown_centres, hostile("title", 3), hostile("file title", 0)])
    assert "<title>file title &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_standalone_map_with_a_colour_scale_keeps_its_name_inert():
    coords, frame, _ = hostile_map(2)
    score = hostile("score", 2)
    page = standalone_html(build_scatter(coords, frame, text_column="text", color=score, continuous=True), title="m")
    assert_inert(page, [score])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_checker_finds_a_live_tag_inside_plotly_json(payload):
    import json

    as_plotly_writes_it = json.dumps({"name": payload}).replace("<", "\\u003c")
    with pytest.raises(AssertionError):
        assert_inert(f"<div>{as_plotly_writes_it}</div>", [])


def test_audit_report_keeps_hostile_labels_inert():
    coords, frame, labels = hostile_map(2)
    table = pd.DataFrame({hostile("header", 1): [hostile("cell", i) for i in range(4)], "d": [0.5, -1.0, 2.0, 0.1]})
    section = ReportSection(hostile("section", 0), {hostile("setting", 1): hostile("setting value", 2)},
                            [hostile("note", 3)], [(hostile("caption", 0), table)],
                            [(hostile("figure", 1), build_scatter(coords, frame, text_column="text", color="group"))])
    page = build_report([section], title=hostile("report", 2))
    cells = [hostile("cell", i) for i in range(4)]
    assert_inert(page, [hostile(p, i) for p, i in (("section", 0), ("setting", 1), ("setting value", 2),
                                                   ("note", 3), ("caption", 0), ("figure", 1), ("report", 2),
                                                   ("header", 1))] + cells + labels[:len(frame)])
