"""The pure map builder, read back through fig.to_dict()."""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest

from core.maps.figure import (
    GREY,
    LEGEND_CHARS,
    LEGEND_ROW_PX,
    OTHER,
    PALETTE,
    SVG_MAX_POINTS,
    build_scatter,
    hover_label,
    legend_entries,
    legend_name,
    legend_rows,
    natural_order,
    plotly_text,
    render_rows,
    wrap,
)
from core.maps.label_layout import ELLIPSIS
from core.maps.labels import NOISE_LABEL


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 500
    frame = pd.DataFrame({"text": [f"point {i}" for i in range(n)], "cluster": rng.choice(["0: a", "1: b", NOISE_LABEL], n),
                          "score": rng.random(n), "many": [f"v{i % 30}" for i in range(n)]})
    return rng.normal(size=(n, 2)).astype(np.float32), frame


def values(array) -> list:
    """An array from fig.to_dict(): plain list, or plotly's base64 typed array {"bdata", "dtype"}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def points(fig) -> list[int]:
    return sorted(int(r) for t in fig.to_dict()["data"] for r in values(t.get("customdata", [])))


def test_render_rows_caps_keeps_and_is_stable():
    visible = np.arange(1000) % 2 == 0
    rows = render_rows(1000, visible=visible, max_points=100, keep=[1, 2, 4])
    assert len(rows) in (100, 101) and visible[rows].all()  # 4 is visible and kept; 1 is filtered out
    assert 4 in rows and 1 not in rows
    np.testing.assert_array_equal(rows, render_rows(1000, visible=visible, max_points=100, keep=[1, 2, 4]))
    assert len(render_rows(50, max_points=100)) == 50


def test_downsampled_figure_draws_only_the_given_rows(data):
    coords, frame = data
    rows = render_rows(len(frame), max_points=120)
    fig = build_scatter(coords, frame, text_column="text", rows=rows)
    assert points(fig) == sorted(rows.tolist())


def test_noise_and_other_are_grey_and_last_colours_fixed(data):
    coords, frame = data
    fig = build_scatter(coords, frame, text_column="text", color="cluster").to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names[-1] == NOISE_LABEL and fig["data"][-1]["marker"]["color"] == GREY
    assert [t["marker"]["color"] for t in fig["data"][:-1]] == PALETTE[:2]
    folded = build_scatter(coords, frame, text_column="text", color="many", max_categories=5).to_dict()
    assert folded["data"][-1]["name"] == OTHER and len(folded["data"]) == 6
    assert len(build_scatter(coords, frame, text_column="text", color="many", max_categories=40).to_dict()["data"]) == 30


def test_continuous_colour_with_missing_values(data):
    coords, frame = data
    frame = frame.assign(score=np.where(np.arange(len(frame)) < 10, np.nan, frame["score"]))
    fig = build_scatter(coords, frame, text_column="text", color="score", continuous=True, colorscale="RdYlGn",
                        color_range=(0.0, 1.0)).to_dict()
    main, missing = fig["data"]
    assert main["marker"]["cmin"] == 0 and main["marker"]["cmax"] == 1 and main["marker"]["showscale"]
    assert missing["name"] == "no value" and sorted(values(missing["customdata"])) == list(range(10))
    assert fig["layout"]["legend"]["orientation"] == "h"  # the colour bar has the right side


def test_labels_are_annotations_in_2d_and_3d(data):
    coords, frame = data
    fig = build_scatter(coords, frame, text_column="text", labels={"0: goal, match": np.array([1.0, 2.0])}).to_dict()
    assert fig["layout"]["annotations"][0]["text"] == "0: goal, match"
    assert (fig["layout"]["annotations"][0]["x"], fig["layout"]["annotations"][0]["y"]) == (1.0, 2.0)
    coords3 = np.column_stack([coords, coords[:, 0]])
    fig3 = build_scatter(coords3, frame, text_column="text", labels={"<b>": np.array([1.0, 2.0, 3.0])}).to_dict()
    assert fig3["layout"]["scene"]["annotations"][0]["text"] == "&lt;b&gt;"
    assert fig3["data"][0]["type"] == "scatter3d"


def test_highlight_fades_the_rest_and_outlines_the_selection(data):
    coords, frame = data
    fig = build_scatter(coords, frame, text_column="text", color="cluster", highlight=[3, 7]).to_dict()
    assert fig["data"][-1]["name"] == "selected (2)" and sorted(values(fig["data"][-1]["customdata"])) == [3, 7]
    assert all(t["marker"]["opacity"] < 0.5 for t in fig["data"][:-1])


def test_precomputed_hover_and_axis_titles(data):
    coords, frame = data
    hover = [f"H{i}" for i in range(len(frame))]
    fig = build_scatter(coords, frame, text_column="text", hover=hover, rows=np.array([5, 6]),
                        axis_titles=("sim(a) - sim(b)", "sim(c)")).to_dict()
    assert list(fig["data"][0]["hovertext"]) == ["H5", "H6"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "sim(a) - sim(b)" and fig["layout"]["xaxis"]["showticklabels"]


def test_hover_label_escapes_truncates_and_wraps():
    label = hover_label("<script>" + "word " * 100, limit=50)
    assert "<script>" not in label and "&lt;script&gt;" in label and label.count("<br>") == 0
    assert hover_label("x" * 300).endswith("…")
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"] and wrap("", 5) == []


def test_axes_widen_so_labels_at_the_edge_are_not_clipped(data):
    from core.maps.label_layout import labels_extent

    coords, frame = data
    text = "0: asylum, seekers, virus"
    corner = coords.max(axis=0)
    fig = build_scatter(coords, frame, text_column="text", labels={text: corner}).to_dict()
    low, high = labels_extent({text: corner}, np.ptp(coords, axis=0))
    assert fig["layout"]["xaxis"]["range"][1] > high[0] and fig["layout"]["yaxis"]["range"][1] > high[1]
    assert fig["layout"]["xaxis"]["range"][0] <= coords[:, 0].min()
    inside = build_scatter(coords, frame, text_column="text", labels={"0: a": coords.mean(axis=0)}).to_dict()
    assert "range" not in inside["layout"]["xaxis"]  # labels inside the points leave the axes to Plotly


HOSTILE = '<b>x</b> "quoted" & <script>'


def test_hostile_text_stays_inert_without_showing_quote_entities(data):
    coords, frame = data
    frame = frame.assign(text=HOSTILE, note=HOSTILE, cluster=[HOSTILE] * len(frame))
    fig = build_scatter(coords, frame, text_column="text", color="cluster", hover_columns=["note"], title=HOSTILE,
                        labels={HOSTILE: np.array([0.0, 0.0])}).to_dict()
    shown = [*fig["data"][0]["hovertext"], fig["data"][0]["name"], fig["layout"]["annotations"][0]["text"],
             fig["layout"]["title"]["text"], fig["layout"]["legend"]["title"]["text"]]
    escaped = '&lt;b&gt;x&lt;/b&gt; "quoted" &amp; &lt;script&gt;'
    assert fig["data"][0]["name"] == fig["layout"]["annotations"][0]["text"] == escaped
    assert all("&quot;" not in s and "&#x27;" not in s and "<script>" not in s and "<b>x" not in s for s in shown)
    assert all("&lt;" in s for s in shown if s != "cluster")
    assert plotly_text("it's \"fine\" < 3") == "it's \"fine\" &lt; 3"


def test_thirty_categories_get_thirty_distinct_colours(data):
    coords, frame = data
    fig = build_scatter(coords, frame, text_column="text", color="many", max_categories=40).to_dict()
    colours = [t["marker"]["color"] for t in fig["data"]]
    assert len(colours) == 30 and len(set(colours)) == 30 and GREY not in colours
    assert len(set(PALETTE)) == len(PALETTE) >= 60


def test_more_categories_than_colours_fold_the_rarest_into_other():
    n = len(PALETTE) + 10
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(n)], "kind": [f"k{i}" for i in range(n)]})
    fig = build_scatter(np.zeros((n, 2)), frame, text_column="text", color="kind", max_categories=1000).to_dict()
    colours = [t["marker"]["color"] for t in fig["data"] if t["name"] != OTHER]
    assert len(colours) == len(set(colours)) == len(PALETTE) and fig["data"][-1]["name"] == OTHER


def test_numeric_year_with_twenty_values_gets_a_colour_scale(data):
    coords, frame = data
    frame = frame.assign(year=2007 + np.arange(len(frame)) % 20)
    fig = build_scatter(coords, frame, text_column="text", color="year").to_dict()
    assert len(fig["data"]) == 1 and fig["data"][0]["marker"]["showscale"]
    assert sorted(set(values(fig["data"][0]["marker"]["color"]))) == list(range(2007, 2027))
    few = build_scatter(coords, frame.assign(year=2016 + np.arange(len(frame)) % 5), text_column="text", color="year")
    assert [t["name"] for t in few.to_dict()["data"]] == ["2016", "2017", "2018", "2019", "2020"]


def test_legend_is_in_natural_order_and_colours_follow_the_category(data):
    coords, frame = data
    names = ["16: goal", "15: match", "2: rain", "1: vote", NOISE_LABEL]
    frame = frame.assign(cluster=[names[i % 5] for i in range(len(frame))])
    fig = build_scatter(coords, frame, text_column="text", color="cluster").to_dict()
    assert [t["name"] for t in fig["data"]] == ["1: vote", "2: rain", "15: match", "16: goal", NOISE_LABEL]
    colour = {t["name"]: t["marker"]["color"] for t in fig["data"]}
    filtered = build_scatter(coords, frame, text_column="text", color="cluster",
                             visible=(frame["cluster"] != "2: rain").to_numpy()).to_dict()
    assert all(t["marker"]["color"] == colour[t["name"]] for t in filtered["data"])
    assert natural_order(["10", "9", "b", "A", OTHER, "-1"]) == ["-1", "9", "10", "A", "b", OTHER]


SENTENCES = [f"{i}: the minister said on tuesday that talks on topic {i} would resume after the weekend"
             for i in range(12)]


def test_whole_sentence_names_are_cut_in_the_legend_and_shown_whole_in_the_hover(data):
    coords, frame = data
    frame = frame.assign(cluster=[SENTENCES[i % 12] for i in range(len(frame))])
    fig = build_scatter(coords, frame, text_column="text", color="cluster").to_dict()
    names = [t["name"] for t in fig["data"]]
    assert len(names) == 12 and all(len(n) <= LEGEND_CHARS and n.endswith(ELLIPSIS) for n in names)
    assert names[3] == legend_name(SENTENCES[3]) and SENTENCES[3].startswith(names[3][:-1])
    template = fig["data"][3]["hovertemplate"]
    assert template.startswith("%{hovertext}<br>cluster: ") and template.endswith("<extra></extra>")
    assert " ".join(template.replace("<br>", " ").split()).count(SENTENCES[3]) == 1  # whole, wrapped at words
    short = build_scatter(coords, data[1], text_column="text", color="cluster").to_dict()
    assert all("hovertemplate" not in t for t in short["data"])  # names shown whole keep the plain hover


def test_a_percent_sign_in_a_cut_name_cannot_form_a_hover_placeholder():
    name = "%{x} is 100% sure that the minister said so on tuesday"
    frame = pd.DataFrame({"text": ["a", "b"], "cluster": [name, "b"]})
    fig = build_scatter(np.zeros((2, 2)), frame, text_column="text", color="cluster").to_dict()
    template = next(t["hovertemplate"] for t in fig["data"] if "hovertemplate" in t)
    assert template.count("%{") == 1 and "&#37;{x} is 100&#37; sure" in template


def test_the_legend_sits_below_the_plot_which_keeps_its_width(data):
    coords, frame = data
    long_names = frame.assign(cluster=[SENTENCES[i % 12] for i in range(len(frame))])
    for fig in (build_scatter(coords, frame, text_column="text", color="cluster").to_dict(),
                build_scatter(coords, long_names, text_column="text", color="cluster").to_dict()):
        legend, layout = fig["layout"]["legend"], fig["layout"]
        assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["y"] < 0
        assert legend["x"] == 0 and legend["xanchor"] == "left"
        assert layout["margin"]["l"] == layout["margin"]["r"] == 10  # no side reserved for the legend
        assert layout["xaxis"].get("domain", [0, 1]) == [0, 1]


def test_the_figure_grows_by_its_legend_rows_so_the_plot_keeps_its_height(data):
    coords, frame = data
    assert legend_rows([]) == 0 and legend_rows(["a"] * 4) == 1
    assert legend_rows(["x" * LEGEND_CHARS] * 40) > legend_rows(["x" * 10] * 40) > legend_rows(["x" * 10] * 4)
    plain = build_scatter(coords, frame, text_column="text", height=500)
    few = build_scatter(coords, frame, text_column="text", color="cluster", height=500)
    many = build_scatter(coords, frame, text_column="text", color="many", max_categories=40, height=500)
    assert legend_entries(plain) == [] and plain.layout.height == 500  # one trace: Plotly draws no legend
    assert legend_entries(few) == ["0: a", "1: b", NOISE_LABEL] and few.layout.height > 500
    rows_few, rows_many = legend_rows(legend_entries(few)), legend_rows(legend_entries(many))
    assert many.layout.height - few.layout.height == LEGEND_ROW_PX * (rows_many - rows_few) > 0


def test_small_maps_draw_svg_markers_and_large_ones_webgl():
    rng = np.random.default_rng(1)
    for n, kind in ((SVG_MAX_POINTS, "scatter"), (SVG_MAX_POINTS + 1, "scattergl")):
        frame = pd.DataFrame({"text": [f"p{i}" for i in range(n)], "c": rng.choice(["a", "b"], n)})
        coords = rng.normal(size=(n, 2)).astype(np.float32)
        fig = build_scatter(coords, frame, text_column="text", color="c", highlight=[0, 1])
        assert {t.type for t in fig.data} == {kind}  # every trace, the outlined selection too
    drawn = build_scatter(coords, frame, text_column="text", rows=np.arange(SVG_MAX_POINTS))  # a sample of a large map
    assert {t.type for t in drawn.data} == {"scatter"}
