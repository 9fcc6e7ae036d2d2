"""Browser journey for tables: Gapminder embedded by the table model, two rows selected on the map, and the chart of
which columns set them apart."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_map_journey import LOAD_TIMEOUT_MS, STEP_TIMEOUT_MS, plot, wait_points, wait_title

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

GAPMINDER = "?data=gapminder&model=table&method=pca&clusters=none"
N_ROWS = 1704
BAND_PX = 4  # half the width of the lasso drawn around two points
# A pair of drawn points with no third point near the segment between them, in page pixels.
LONELY_PAIR_JS = f"""gd => {{
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.querySelector('.nsewdrag').getBoundingClientRect();
    const pts = gd._fullData.filter(t => t.x && t.x.length && t.mode !== 'text')
        .flatMap(t => Array.from(t.x).map((x, i) => [box.left + xa.l2p(x), box.top + ya.l2p(t.y[i])]));
    const near = (p, a, b) => {{
        const dx = b[0] - a[0], dy = b[1] - a[1], len = dx * dx + dy * dy || 1;
        const s = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len));
        return Math.hypot(p[0] - a[0] - s * dx, p[1] - a[1] - s * dy) < {3 * BAND_PX};
    }};
    for (const a of pts) {{
        for (const b of pts) {{
            const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
            if (d < 8 || d > 60) continue;
            if (pts.filter(p => near(p, a, b)).length === 2) return [a, b];
        }}
    }}
    return null; }}"""


def lasso_pair(page: Page, a: list[float], b: list[float]) -> None:
    """Draw a thin closed lasso around the segment from `a` to `b`."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy, nx, ny = dx / length * BAND_PX, dy / length * BAND_PX, -dy / length * BAND_PX, dx / length * BAND_PX
    corners = [(a[0] - ux + nx, a[1] - uy + ny), (b[0] + ux + nx, b[1] + uy + ny), (b[0] + ux - nx, b[1] + uy - ny),
               (a[0] - ux - nx, a[1] - uy - ny), (a[0] - ux + nx, a[1] - uy + ny + 1)]
    page.mouse.move(*corners[0])
    page.mouse.down()
    for x, y in corners[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def test_two_selected_rows_of_gapminder_show_which_columns_set_them_apart(page: Page, app_url: str,
                                                                           artifacts_dir: Path):
    page.goto(f"{app_url}/{GAPMINDER}")
    expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_title(page, "PCA of", LOAD_TIMEOUT_MS)
    wait_points(page, 0, N_ROWS, LOAD_TIMEOUT_MS)
    pair = plot(page).evaluate(LONELY_PAIR_JS)
    assert pair is not None, "no two points stand apart from the others on this map"
    lasso_pair(page, *pair)
    expect(page.get_by_role("heading", name="2 selected", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    chart = page.locator(".st-key-ee_why_close_chart .js-plotly-plot")
    expect(chart).to_be_visible(timeout=STEP_TIMEOUT_MS)
    bars = chart.evaluate("gd => Array.from(gd._fullData[0].y)")
    assert set(bars) == {"continent", "year", "lifeExp", "pop", "gdpPercap"}
    page.screenshot(path=str(artifacts_dir / "e2e-table-why-close.png"), full_page=True)
