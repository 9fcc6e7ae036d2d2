"""Layout in a 1400 x 900 window: the map above the fold, the legend clear of hover boxes and long names,
Evaluate's metric labels whole, and the audit report's tables within the page."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from core.bench.browser import map_ready_js

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WINDOW = {"width": 1400, "height": 900}
FIRST_MAP_TIMEOUT_MS = 300_000  # first load embeds 2,756 sentences and compiles UMAP
STEP_TIMEOUT_MS = 120_000
PLOT_BOX_JS = """() => { const el = document.querySelector('.js-plotly-plot'), drag = el.querySelector('.nsewdrag');
    const chart = el.getBoundingClientRect(), plot = drag.getBoundingClientRect();
    return {top: plot.top, height: plot.height, width: plot.width, chart_width: chart.width}; }"""
OVERLAP_JS = """() => { const hover = document.querySelector('.hoverlayer .hovertext');
    if (!hover) return null;
    const a = hover.getBoundingClientRect(), b = document.querySelector('.legend').getBoundingClientRect();
    return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left))
         * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)); }"""
CUT_LABELS_JS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
    .filter(label => [label, ...label.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
    .map(label => label.innerText)"""
SENTENCES = [f"{i}: the minister said on tuesday that talks on topic {i} would resume after the weekend"
             for i in range(12)]


def _assert_mostly_visible(box: dict) -> None:
    visible = WINDOW["height"] - box["top"]
    assert visible >= box["height"] / 2, f"only {visible:.0f} of the map's {box['height']:.0f} px above the fold"
    assert box["width"] >= 0.95 * box["chart_width"], box  # the legend takes no side of the plot


def test_the_default_map_is_mostly_above_the_fold(chromium, app_url: str, artifacts_dir: Path):
    """At 1400 x 900 at least half of the map's plot shows without scrolling, while it computes and once drawn."""
    context = chromium.new_context(viewport=WINDOW)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_function(map_ready_js("n > 2000"), timeout=FIRST_MAP_TIMEOUT_MS, polling=500)
    _assert_mostly_visible(page.evaluate(PLOT_BOX_JS))  # the first map drawn, a preview or the final one
    page.wait_for_function(map_ready_js("n > 2000", title="UMAP"), timeout=FIRST_MAP_TIMEOUT_MS, polling=500)
    page.wait_for_timeout(1_000)
    box = page.evaluate(PLOT_BOX_JS)
    page.screenshot(path=str(artifacts_dir / "e2e-map-fold.png"))
    context.close()
    _assert_mostly_visible(box)


def test_evaluate_shows_whole_metric_labels(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(f"{app_url}/evaluate")
    label = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Label column", exact=True))
    label.get_by_role("combobox").click(timeout=FIRST_MAP_TIMEOUT_MS)
    page.get_by_role("option", name="source", exact=True).click()
    page.get_by_role("button", name="Evaluate on these labels").click()
    expect(page.locator('[data-testid="stMetricLabel"]').first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-evaluate-metrics.png"))
    assert page.locator('[data-testid="stMetricLabel"]').count() >= 3
    assert page.evaluate(CUT_LABELS_JS) == []


def _plot(chromium, fig) -> Page:
    from plotly.offline import get_plotlyjs

    page = chromium.new_context(viewport=WINDOW).new_page()
    page.set_content(f"<script>{get_plotlyjs()}</script><div id='map' style='width:940px'></div>")
    page.evaluate("fig => Plotly.newPlot('map', fig.data, fig.layout)", fig.to_plotly_json())
    return page


def _hover(page: Page, x: float, y: float) -> None:
    px, py = page.evaluate(f"""() => {{ const gd = document.getElementById('map'), L = gd._fullLayout,
        box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.d2p({x}), box.top + L._size.t + L.yaxis.d2p({y})]; }}""")
    page.mouse.move(px, py)
    page.wait_for_timeout(30)


def test_hover_boxes_leave_the_legend_clear_and_long_names_leave_the_plot_wide(chromium, artifacts_dir: Path):
    """Long hover labels on points all over the map, the lowest included, never cover the legend."""
    from core.maps.figure import LEGEND_CHARS, build_scatter

    rng = np.random.default_rng(0)
    words = ["the", "minister", "said", "that", "talks", "would", "resume", "after", "the", "weekend", "despite"]
    coords = rng.uniform(-5, 5, (240, 2))
    frame = pd.DataFrame({"text": [" ".join(rng.choice(words, 40)) for _ in range(240)],
                          "cluster": [SENTENCES[i % 12] for i in range(240)], "source": "background"})
    fig = build_scatter(coords, frame, text_column="text", color="cluster", hover_columns=["source"], title="UMAP")
    page = _plot(chromium, fig)
    shown = page.locator(".legendtext").all_text_contents()
    assert len(shown) == 12 and max(map(len, shown)) <= LEGEND_CHARS
    box = page.evaluate(PLOT_BOX_JS)
    assert box["width"] >= 0.95 * box["chart_width"], box
    lowest = np.argsort(coords[:, 1])[:20]
    overlaps = {}
    for row in [*range(0, 240, 6), *lowest]:
        _hover(page, *coords[row])
        overlaps[int(row)] = page.evaluate(OVERLAP_JS)
    page.screenshot(path=str(artifacts_dir / "e2e-hover-legend.png"))
    page.context.close()
    assert sum(a is not None for a in overlaps.values()) > 40  # the hovers did open
    assert not {row: a for row, a in overlaps.items() if a}, "hover boxes over the legend"


def test_report_tables_fit_the_page_without_sideways_scrolling(chromium, artifacts_dir: Path):
    from core.audits.report import ReportSection, build_report
    from core.audits.weat_audit import WeatSettings, results_table, run_weats
    from core.audits.weat_sets import caliskan_tests
    from core.audits.word_sources import make_source

    results = run_weats(caliskan_tests(), make_source("glove-6b-50d", restrict_vocab=100_000),
                        WeatSettings(n_permutations=1_000, n_bootstrap=100))
    path = artifacts_dir / "e2e-report.html"
    path.write_text(build_report([ReportSection("WEAT", tables=[("Results", results_table(results))])]))
    page = chromium.new_context(viewport=WINDOW).new_page()
    page.goto(path.as_uri())
    widths = page.evaluate("() => [...document.querySelectorAll('table')].map(t => [t.scrollWidth, "
                           "t.parentElement.clientWidth])")
    page.screenshot(path=str(artifacts_dir / "e2e-report-tables.png"))
    page.context.close()
    assert len(widths) == 2 and all(table <= box for table, box in widths), widths
