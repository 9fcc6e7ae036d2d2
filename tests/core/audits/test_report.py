"""The HTML audit report is self-contained (no network references) and holds every table and figure."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.audits.report import MAX_TABLE_COLUMNS, ReportSection, build_report, table_html, table_parts

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def _sections() -> list[ReportSection]:
    weat = pd.DataFrame({"test": ["weat6", "weat7"], "d": [1.70778, 1.49513], "p": [7.77e-05, 0.000233],
                         "missing": ["", "<script>alert(1)</script>"]})
    fig1 = go.Figure(go.Bar(x=[1.7, 1.5], y=["weat6", "weat7"], orientation="h"))
    fig2 = go.Figure(go.Scatter(x=[0, 1], y=[1, 0], mode="markers+text", text=["nurse", "captain"]))
    return [ReportSection("WEAT", {"Word source": "GloVe 6B 50d, 400,000 words", "Seed": 0},
                          ["p-values: exact up to 100,000 partitions"], [("Results", weat)], [("Effect sizes", fig1)]),
            ReportSection("Semantic axes", {"x": "man → woman"}, [],
                          [("Coordinates", pd.DataFrame({"word": ["nurse"]}))], [("Axes", fig2)])]


@pytest.fixture(scope="module")
def report() -> str:
    return build_report(_sections(), title="Audit & <check>")


def test_report_has_no_external_references(report):
    assert not EXTERNAL.search(report), EXTERNAL.search(report).group(0)
    assert "cdn.plot.ly/plotly" not in report.split("<body>", 1)[1]  # no CDN loader in the body
    assert "@import" not in report


def test_plotly_js_is_inlined_exactly_once(report):
    head, body = report.split("</head>", 1)
    assert len(head) > 1_000_000 and "Plotly" in head  # the whole library is inside the file
    assert body.count("Plotly.newPlot") == 2  # one call per figure
    assert report.count("<script type='text/javascript'>") == 1  # the library, once


def test_report_contains_settings_tables_and_escapes_user_text(report):
    body = report.split("<body>", 1)[1]
    assert "<h1>Audit &amp; &lt;check&gt;</h1>" in body
    assert "<dt>Word source</dt><dd>GloVe 6B 50d, 400,000 words</dd>" in body
    assert body.count("<table") == 2
    assert "<td>weat6</td>" in body and "1.708" in body and "7.77e-05" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert "p-values: exact up to 100,000 partitions" in body and "man → woman" in body


def test_report_without_figures_has_no_script():
    html = build_report([ReportSection("Benchmark", tables=[("Accuracy", pd.DataFrame({"a": [0.5]}))])])
    assert "<script" not in html and "<td>0.5</td>" in html


def test_empty_report_says_so():
    assert "No audit results yet." in build_report([])


def test_table_html_formats_floats_and_missing():
    out = table_html(pd.DataFrame({"x": [0.123456789, None]}))
    assert "0.1235" in out and "–" in out


def test_wide_tables_fit_the_page_width(report):
    """Tables take the page's width and wrap their cells; one still too wide scrolls inside its own box."""
    from core.audits.report import STYLE

    rules = {m.group(1).strip(): m.group(2) for m in re.finditer(r"([^{}]+)\{([^}]*)\}", STYLE)}
    assert "width:100%" in rules["table"] and "max-width:100%" in rules["table"]
    assert "overflow-wrap:break-word" in rules["th,td"] and "overflow-wrap:anywhere" in rules["th"]
    assert "overflow-x:auto" in rules[".table-wrap"]
    assert report.count("<div class='table-wrap'><table") == report.count("<table")


def weat_like(n_columns: int) -> pd.DataFrame:
    """A results table as wide as WEAT's: a test name, then numbers."""
    return pd.DataFrame({"test": ["weat1", "weat2"], **{f"p_{i}": [0.0004998, 12.5] for i in range(n_columns - 1)}})


def test_a_wide_table_is_split_into_parts_each_led_by_its_first_column():
    wide = weat_like(22)
    parts = table_parts(wide)
    assert len(parts) == 2 and all(p.shape[1] <= MAX_TABLE_COLUMNS and p.columns[0] == "test" for p in parts)
    assert [c for p in parts for c in p.columns[1:]] == list(wide.columns[1:])  # every column once, in order
    assert [p.shape[1] for p in parts] == [12, 11]  # even parts, not one full and one stub
    narrow = weat_like(MAX_TABLE_COLUMNS)
    assert len(table_parts(narrow)) == 1 and table_parts(narrow)[0].equals(narrow)
    body = build_report([ReportSection("WEAT", tables=[("Results", wide)])]).split("<body>", 1)[1]
    assert body.count("<table") == 2 and body.count("<th>test</th>") == 2 and body.count("<td>weat2</td>") == 2
    assert "<th>p_0</th>" in body  # headers stay whole (readers search them); the page's CSS lets them wrap
    assert "th{background:#f4f4f4;overflow-wrap:anywhere}" in build_report([])
