"""The audit figure builders, checked through `fig.to_dict()`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components.audits.plots import (
    build_analogy_arrows,
    build_before_after,
    build_explained_variance,
    build_intervals,
    build_projection_bars,
    build_semantic_axes,
    build_weat_effects,
)


def _data(fig) -> list[dict]:
    return fig.to_dict()["data"]


def _values(trace: dict, axis: str) -> list:
    """Trace values whether plotly stored them as a list or as a typed array."""
    raw = trace[axis]
    if isinstance(raw, dict) and "bdata" in raw:
        import base64

        return np.frombuffer(base64.b64decode(raw["bdata"]), dtype=np.dtype(raw["dtype"])).tolist()
    return list(raw)


def test_analogy_arrows_draw_the_parallelogram():
    frame = pd.DataFrame({"word": ["man", "king", "woman", "queen", "prince"], "x": [0.0, 1.0, 0.0, 1.1, 1.2],
                          "y": [0.0, 0.0, 1.0, 1.0, -0.3], "role": ["a", "b", "c", "answer", "neighbour"]})
    fig = build_analogy_arrows(frame, a="man", b="king", c="woman", answer="queen", title="t")
    names = [t["name"] for t in _data(fig)]
    assert names == ["nearest neighbours", "a: man", "b: king", "c: woman", "answer: queen"]
    notes = fig.to_dict()["layout"]["annotations"]
    arrows = [(a["ax"], a["ay"], a["x"], a["y"]) for a in notes if a.get("showarrow")]
    # a→b, c→c+(b−a), c→answer
    assert arrows == [(0.0, 0.0, 1.0, 0.0), (0.0, 1.0, 1.0, 1.0), (0.0, 1.0, 1.1, 1.0)]
    assert [(a["x"], a["y"], a["text"]) for a in notes if not a.get("showarrow")] == [(1.0, 1.0, "c + (b − a)")]


def test_projection_bars_sorted_and_coloured_by_side():
    frame = pd.DataFrame({"word": ["nurse", "captain", "doctor"], "projection": [0.3, -0.5, -0.02]})
    fig = build_projection_bars(frame, positive_pole="she", negative_pole="he")
    (bar,) = _data(fig)
    assert list(bar["y"]) == ["captain", "doctor", "nurse"]
    assert _values(bar, "x") == [-0.5, -0.02, 0.3]
    assert bar["marker"]["color"][0] != bar["marker"]["color"][2]
    assert "he" in fig.layout.xaxis.title.text and "she" in fig.layout.xaxis.title.text


def test_semantic_axes_labels_and_escaping():
    frame = pd.DataFrame({"word": ["<b>x</b>", "y"], "x": [0.1, -0.2], "y": [0.3, 0.0]})
    fig = build_semantic_axes(frame, x_poles=("man", "woman"), y_poles=("poor", "rich"))
    (trace,) = _data(fig)
    assert list(trace["text"]) == ["&lt;b&gt;x&lt;/b&gt;", "y"]
    assert "poor" in fig.layout.yaxis.title.text and "woman" in fig.layout.xaxis.title.text


def test_weat_effects_mark_significance_and_paper_values():
    table = pd.DataFrame({"test": ["weat1", "weat7"], "X": ["Flowers", "Math"], "Y": ["Insects", "Arts"],
                          "d": [1.08, 0.13], "p": [0.0003, 0.33], "permutations": [10000, 12870],
                          "paper_d": [1.50, 1.06]})
    fig = build_weat_effects(table)
    bars, paper = _data(fig)
    assert _values(bars, "x") == [1.08, 0.13]
    assert bars["marker"]["color"][0] != bars["marker"]["color"][1]  # p < 0.05 vs not
    assert _values(paper, "x") == [1.5, 1.06] and paper["marker"]["symbol"] == "diamond"


def test_intervals_draw_asymmetric_error_bars():
    table = pd.DataFrame({"test": ["weat1", "weat7"], "X": ["Flowers", "Math"], "Y": ["Insects", "Arts"],
                          "d": [1.08, 0.13], "d_ci_low": [0.5, -0.4], "d_ci_high": [1.5, 0.9], "p": [0.0003, 0.33]})
    fig = build_intervals(table, estimate="d", low="d_ci_low", high="d_ci_high", title="t", x_title="d")
    (points,) = _data(fig)
    assert _values(points, "x") == [1.08, 0.13]
    np.testing.assert_allclose(_values(points["error_x"], "array"), [0.42, 0.77])  # high - d
    np.testing.assert_allclose(_values(points["error_x"], "arrayminus"), [0.58, 0.53])  # d - low
    assert points["marker"]["color"][0] != points["marker"]["color"][1]  # p < 0.05 vs not


def test_explained_variance_and_before_after():
    fig = build_explained_variance([0.6, 0.3, 0.1])
    assert list(_data(fig)[0]["x"]) == ["PC1", "PC2", "PC3"]
    table = pd.DataFrame({"test": ["weat6"], "d before": [1.7], "d after": [1.0]})
    before, after = _data(build_before_after(table))
    assert _values(before, "y") == [1.7] and _values(after, "y") == [1.0]


def test_hostile_words_stay_inert_in_every_audit_figure_and_the_report():
    import json

    from core.audits.report import ReportSection, build_report

    evil = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", '<a href="javascript:alert(1)">x</a>']
    words = pd.DataFrame({"word": evil, "x": [0.1, -0.2, 0.3], "y": [0.3, 0.0, -0.1], "projection": [0.2, -0.1, 0.4],
                          "role": ["a", "b", "c"]})
    weat = pd.DataFrame({"test": evil, "X": evil, "Y": evil[::-1], "d": [1.0, -0.5, 0.2], "p": [0.01, 0.5, 0.2],
                         "permutations": [100, 100, 100], "paper_d": [None, None, None], "d before": [1.0, 0.5, 0.2],
                         "d after": [0.1, 0.2, 0.0]})
    figures = [build_analogy_arrows(words, a=evil[0], b=evil[1], c=evil[2], answer=evil[0]),
               build_projection_bars(words, positive_pole=evil[0], negative_pole=evil[1]),
               build_semantic_axes(words, x_poles=(evil[0], evil[1]), y_poles=(evil[2], evil[0])),
               build_weat_effects(weat), build_before_after(weat),
               build_intervals(weat.assign(lo=weat["d"] - 0.1, hi=weat["d"] + 0.1), estimate="d", low="lo", high="hi",
                               title=evil[0], x_title=evil[1])]
    for fig in figures:
        spec = json.dumps(fig.to_dict())
        assert not [e for e in evil if json.dumps(e)[1:-1] in spec], fig.layout.title.text
        assert "&lt;img src=x onerror=alert(1)&gt;" in spec
    page = build_report([ReportSection("audit", tables=[("words", words)], figures=[("f", f) for f in figures])])
    assert "<img src=x" not in page.replace("\\u003c", "<") and "<script>alert" not in page.replace("\\u003c", "<")
