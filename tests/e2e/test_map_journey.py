"""Browser journey for the map: click a point for its neighbours, lasso points into the table, recolour without recomputing, reopen the link,
and a linked selection across the Compare page's two maps."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from core.bench.browser import TITLE_JS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LOAD_TIMEOUT_MS = 300_000  # a fresh server may still be compiling UMAP
STEP_TIMEOUT_MS = 120_000
DIGITS = "?data=digits&model=precomputed&method=umap&clusters=hdbscan"
N_DIGITS = 1797

# Plotly >= 6 ships arrays base64-encoded in `data`; `_fullData` holds the decoded ones.
WATCH_JS = """() => {
    window.__eeComputing = [];
    const seen = node => (node.textContent || '').includes('Computing') || (node.querySelector &&
        node.querySelector('[data-testid="stSpinner"]'));
    new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
        if (seen(n)) window.__eeComputing.push((n.textContent || 'spinner').slice(0, 80));
    }))).observe(document.body, {childList: true, subtree: true});
}"""


QUOTED = '"quoted" <b>x</b> & it\'s'


def test_quotes_show_as_typed_and_markup_stays_inert(chromium, artifacts_dir: Path):
    """Plotly's own rendering of a legend entry, a cluster label and a hover: the text as typed, no bold."""
    import numpy as np
    import pandas as pd
    from plotly.offline import get_plotlyjs

    from core.maps.figure import build_scatter

    frame = pd.DataFrame({"text": [QUOTED, "plain"], "cluster": [QUOTED, "other"]})
    fig = build_scatter(np.array([[0.0, 0.0], [1.0, 1.0]]), frame, text_column="text", color="cluster",
                        labels={QUOTED: np.array([0.5, 0.5])}, height=400)
    page = chromium.new_context(viewport={"width": 900, "height": 500}).new_page()
    page.set_content(f"<script>{get_plotlyjs()}</script><div id='map'></div>")
    page.evaluate("fig => Plotly.newPlot('map', fig.data, fig.layout)", fig.to_plotly_json())
    legend = page.locator(".legendtext").first
    expect(legend).to_have_text(QUOTED)
    expect(page.locator(".annotation-text").first).to_have_text(QUOTED)
    x, y = page.evaluate("""() => { const gd = document.getElementById('map'), L = gd._fullLayout,
        box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.d2p(0), box.top + L._size.t + L.yaxis.d2p(0)]; }""")
    page.mouse.move(x, y)
    expect(page.locator(".hovertext").first).to_contain_text(QUOTED)
    assert page.locator(".legendtext [style*='bold'], .annotation-text [style*='bold']").count() == 0
    page.screenshot(path=str(artifacts_dir / "e2e-quoted-text.png"))
    page.context.close()


def test_compare_titles_stay_clear_of_the_modebar(chromium, artifacts_dir: Path):
    """In a narrow Compare column the modebar (top right) does not cover the map's title (top left)."""
    import numpy as np
    import pandas as pd
    from plotly.offline import get_plotlyjs

    from components.maps.compare_panel import below_modebar
    from core.maps.figure import build_scatter

    frame = pd.DataFrame({"text": ["a", "b"], "cluster": ["0: a", "1: b"]})
    fig = below_modebar(build_scatter(np.array([[0.0, 0.0], [1.0, 1.0]]), frame, text_column="text",
                                      color="cluster", title="UMAP of the Lee sentences", height=520))
    page = chromium.new_context(viewport={"width": 800, "height": 700}).new_page()
    page.set_content(f"<script>{get_plotlyjs()}</script><div id='map' style='width:330px'></div>")
    page.evaluate("fig => Plotly.newPlot('map', fig.data, fig.layout, {displayModeBar: true, displaylogo: false})",
                  fig.to_plotly_json())
    title, bar = page.locator(".gtitle").bounding_box(), page.locator(".modebar").bounding_box()
    page.screenshot(path=str(artifacts_dir / "e2e-compare-title.png"))
    page.context.close()
    assert title["y"] >= bar["y"] + bar["height"] or title["x"] + title["width"] <= bar["x"]


def plot(page: Page, index: int = 0) -> Locator:
    return page.locator(".js-plotly-plot").nth(index)


def wait_points(page: Page, index: int, n: int, timeout_ms: int = STEP_TIMEOUT_MS, *, at_least: bool = False) -> None:
    """Wait until chart `index` draws exactly `n` points (or at least `n`); the chart may be re-mounted meanwhile."""
    test = ">=" if at_least else "==="
    page.wait_for_function(
        f"""() => {{ const el = document.querySelectorAll('.js-plotly-plot')[{index}];
                    return !!(el && el._fullData) &&
                           el._fullData.reduce((s, t) => s + (t.x ? t.x.length : 0), 0) {test} {n}; }}""",
        timeout=timeout_ms, polling=300)


def wait_title(page: Page, prefix: str, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
    """Wait until the first map's title (in bold markup) starts with `prefix`."""
    page.wait_for_function(f"() => ({TITLE_JS})().startsWith({prefix!r})", polling=300, timeout=timeout_ms)


def test_a_quick_map_first_then_the_umap_map(page: Page, app_url: str, artifacts_dir: Path):
    """20,000 GloVe words with parameters no other test projects: a PCA preview with every point while UMAP
    computes (seen together in one look at the page), then the UMAP map swapped in."""
    n = 20_000
    page.goto(f"{app_url}/?data=glove-words&n={n}&model=precomputed&method=umap&seed=23&neighbors=9")
    page.wait_for_function(
        f"""() => ({TITLE_JS})().startsWith('PCA (quick preview)') &&
                  document.body.innerText.includes('UMAP computing')""", polling=200, timeout=LOAD_TIMEOUT_MS)
    wait_points(page, 0, n, STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-map-preview.png"), full_page=True)
    wait_title(page, "UMAP of", LOAD_TIMEOUT_MS)
    wait_points(page, 0, n, STEP_TIMEOUT_MS)
    expect(page.get_by_text("UMAP computing", exact=False)).to_have_count(0)


def lasso(page: Page, chart: Locator, box=(0.25, 0.25, 0.65, 0.7)) -> None:
    """Drag a closed lasso over a share of the chart's plotting area with the mouse."""
    area = chart.locator(".nsewdrag").first.bounding_box()
    x0, y0 = area["x"] + area["width"] * box[0], area["y"] + area["height"] * box[1]
    x1, y1 = area["x"] + area["width"] * box[2], area["y"] + area["height"] * box[3]
    page.mouse.move(x0, y0)
    page.mouse.down()
    for x, y in ((x1, y0), (x1, y1), (x0, y1), (x0, y0 + 1)):
        page.mouse.move(x, y, steps=10)
    page.mouse.up()


def click_point(page: Page, chart: Locator) -> str:
    """Click the right-most drawn point of a chart (away from the cluster labels); returns the drag mode."""
    where = chart.evaluate("""gd => {
        const t = gd._fullData.filter(t => t.x && t.x.length).reduce((a, b) => Math.max(...a.x) > Math.max(...b.x) ? a : b);
        const i = t.x.indexOf(Math.max(...t.x)), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
        return {x: box.left + xa.l2p(t.x[i]), y: box.top + ya.l2p(t.y[i]), mode: gd._fullLayout.dragmode}; }""")
    page.mouse.move(where["x"] - 8, where["y"])
    page.mouse.move(where["x"], where["y"], steps=4)
    page.wait_for_timeout(300)
    page.mouse.click(where["x"], where["y"])
    return where["mode"]


def choose(page: Page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.locator("label").get_by_text(label, exact=True))
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box.get_by_role("combobox")).to_have_value(option)


def selected_count(page: Page, *, before: int | None = None) -> int:
    """The number in the "N selected" heading, once it no longer shows the `before` count (a selection's
    rerun replaces the heading a moment after the gesture)."""
    heading = page.get_by_role("heading", name=re.compile(r"^[\d,]+ selected"))
    expect(heading).to_be_visible(timeout=STEP_TIMEOUT_MS)
    if before is not None:
        expect(heading).not_to_have_text(f"{before:,} selected", timeout=STEP_TIMEOUT_MS)
    return int(heading.inner_text().split()[0].replace(",", ""))


def test_lasso_recolour_and_reopen_the_link(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(f"{app_url}/{DIGITS}")
    expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    wait_title(page, "UMAP of", LOAD_TIMEOUT_MS)  # after any quick preview
    wait_points(page, 0, N_DIGITS, LOAD_TIMEOUT_MS)
    expect(page.get_by_text(f"{N_DIGITS:,} of {N_DIGITS:,} points shown", exact=False)).to_be_visible()

    # 1. one click on a point in the default (lasso) mode lists its nearest neighbours
    assert click_point(page, plot(page)) == "lasso"
    expect(page.get_by_role("heading", name="1 selected", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_text("Nearest neighbours of", exact=False)).to_be_visible()

    # 2. lasso a group of points: they are listed in the table under the map
    lasso(page, plot(page))
    n = selected_count(page, before=1)
    assert 0 < n < N_DIGITS
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator('[role="grid"]')).last
    # header + rows, once the rerun has replaced the one-point table (the heading may be drawn a moment before)
    expect(grid.locator('[role="grid"]').first).to_have_attribute("aria-rowcount", str(n + 1),
                                                                  timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-map-lasso.png"), full_page=True)

    # 3. a colour change reruns only the map's fragment: no spinner, no "Computing…"
    page.evaluate(WATCH_JS)
    choose(page, "Colour by", "digit")
    page.wait_for_function("() => ((document.querySelector('.js-plotly-plot') || {})._fullData || []).length >= 10", polling=200,
                           timeout=STEP_TIMEOUT_MS)
    assert page.evaluate("window.__eeComputing") == []
    wait_points(page, 0, N_DIGITS)  # every point still drawn, now in one trace per digit
    page.wait_for_function("() => window.location.search.includes('color=digit')", timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-map-colour.png"), full_page=True)

    # 4. the link in the address bar reopens the same view in a new session
    link = page.url
    fresh = page.context.new_page()
    fresh.goto(link)
    wait_points(fresh, 0, N_DIGITS)
    box = fresh.locator('[data-testid="stSelectbox"]').filter(has=fresh.locator("label").get_by_text("Colour by", exact=True))
    expect(box.get_by_role("combobox")).to_have_value("digit")
    fresh.wait_for_function("() => ((document.querySelector('.js-plotly-plot') || {})._fullData || []).length >= 10", polling=300,
                            timeout=STEP_TIMEOUT_MS)
    fresh.close()


def test_compare_page_links_the_selection_across_both_maps(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(f"{app_url}/{DIGITS}")
    wait_points(page, 0, N_DIGITS, LOAD_TIMEOUT_MS)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", name="Compare", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    wait_points(page, 1, N_DIGITS, LOAD_TIMEOUT_MS, at_least=True)
    expect(page.get_by_text(re.compile(r"^Mean neighbour overlap"))).to_be_visible()

    lasso(page, plot(page, 0))
    n = selected_count(page)
    assert 0 < n < N_DIGITS
    for index in (0, 1):  # the selection is outlined on both maps
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot')[{index}]._fullData.some(t => t.name === 'selected ({n:,})')",
            timeout=STEP_TIMEOUT_MS, polling=300)
    page.screenshot(path=str(artifacts_dir / "e2e-compare-linked.png"), full_page=True)

    lasso(page, plot(page, 1), box=(0.5, 0.5, 0.8, 0.8))  # selecting on the right map moves the highlight on the left
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot')[0]._fullData.some("
        f"t => t.name.startsWith('selected (') && t.name !== 'selected ({n:,})')",
        timeout=STEP_TIMEOUT_MS, polling=300)
