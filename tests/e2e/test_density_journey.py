"""Browser journey for a large map: 300,000 points drawn as a density image under a 50,000-point sample that
answers hovers and lasso selections, in Plotly's own rendering."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

N_POINTS = 300_000



def drag_through(page: Page, corners: list) -> None:
    """Press at the first corner, drag through the others (a lasso or box on the map), release."""
    page.mouse.move(*corners[0])
    page.mouse.down()
    for corner in corners[1:]:
        page.mouse.move(*corner, steps=8)
    page.mouse.up()

def test_a_large_map_draws_hovers_and_lassos(chromium, artifacts_dir: Path):
    import numpy as np
    import pandas as pd
    from plotly.offline import get_plotlyjs

    from core.maps.density import with_density
    from core.maps.figure import build_scatter, render_rows

    coords = np.random.default_rng(0).normal(size=(N_POINTS, 2)).astype(np.float32)
    frame = pd.DataFrame({"text": [f"point {i}" for i in range(N_POINTS)]})
    rows = render_rows(N_POINTS)
    fig = with_density(build_scatter(coords, frame, text_column="text", rows=rows, height=700), coords,
                       n_drawn=len(rows))
    fig.update_layout(dragmode="lasso", width=900)
    page = chromium.new_context(viewport={"width": 1000, "height": 800}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(f"<script>{get_plotlyjs()}</script><div id='map'></div>")
    page.evaluate("""fig => Plotly.newPlot('map', fig.data, fig.layout).then(gd => {
        window.__eeSelected = null;
        gd.on('plotly_selected', e => { window.__eeSelected = e ? e.points.length : 0; });
    })""", fig.to_plotly_json())
    to_px = """([x, y]) => { const gd = document.getElementById('map'), L = gd._fullLayout,
        box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.d2p(x), box.top + L._size.t + L.yaxis.d2p(y)]; }"""
    first = int(rows[0])
    x, y = page.evaluate(to_px, [float(coords[first, 0]), float(coords[first, 1])])
    page.mouse.move(x, y)
    page.wait_for_selector(".hovertext", timeout=30_000)
    corners = [page.evaluate(to_px, c) for c in ([-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5])]
    drag_through(page, corners)
    page.wait_for_function("() => window.__eeSelected !== null", timeout=30_000)
    selected = page.evaluate("() => window.__eeSelected")
    page.screenshot(path=str(artifacts_dir / "e2e-density-map.png"))
    page.context.close()
    inside = np.abs(coords[rows]).max(axis=1) < 0.5  # the sample's points inside the lasso's square
    assert not errors
    assert abs(selected - int(inside.sum())) <= 0.02 * inside.sum()  # the lasso's edge is drawn in pixels


def test_a_lasso_counts_the_whole_dataset_and_a_zoom_draws_every_point_in_view(chromium, artifacts_dir: Path):
    import numpy as np
    import pandas as pd
    from plotly.offline import get_plotlyjs

    from core.maps.density import density_colour, with_density
    from core.maps.figure import build_scatter
    from core.maps.region import Region, drawn_in_view, inside_polygon

    coords = np.random.default_rng(1).normal(size=(N_POINTS, 2)).astype(np.float32)
    frame = pd.DataFrame({"text": [f"point {i}" for i in range(N_POINTS)],
                          "side": np.where(coords[:, 0] > 0, "east", "west")})

    def figure(region):
        rows, in_view = drawn_in_view(coords, region, max_points=50_000)
        fig = build_scatter(coords, frame, text_column="text", color="side", rows=rows, height=700)
        if len(rows) < in_view.sum():
            fig = with_density(fig, coords, rows=np.flatnonzero(in_view), n_drawn=len(rows),
                               colour=density_colour(frame, "side", rows))
        return fig.update_layout(dragmode="lasso", width=900), rows

    page = chromium.new_context(viewport={"width": 1000, "height": 800}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(f"<script>{get_plotlyjs()}</script><div id='map'></div>")
    whole, drawn = figure(None)
    page.evaluate("""fig => Plotly.newPlot('map', fig.data, fig.layout).then(gd => {
        window.__eeLasso = null;
        gd.on('plotly_selected', e => { window.__eeLasso = e && e.lassoPoints
            ? {x: e.lassoPoints.x, y: e.lassoPoints.y, n: e.points.length} : null; });
    })""", whole.to_plotly_json())
    to_px = """([x, y]) => { const gd = document.getElementById('map'), L = gd._fullLayout,
        box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.d2p(x), box.top + L._size.t + L.yaxis.d2p(y)]; }"""
    page.screenshot(path=str(artifacts_dir / "e2e-density-colour.png"))
    corners = [page.evaluate(to_px, c) for c in ([0.2, -0.6], [1.0, -0.6], [1.0, 0.6], [0.2, 0.6], [0.2, -0.6])]
    drag_through(page, corners)
    page.wait_for_function("() => window.__eeLasso !== null", timeout=30_000)
    lasso = page.evaluate("() => window.__eeLasso")
    xs, ys = np.array(lasso["x"], dtype=float), np.array(lasso["y"], dtype=float)
    counted = inside_polygon(coords, xs, ys)  # what the Map page selects from Streamlit's `lasso` coordinates
    square = (coords[:, 0] > 0.2) & (coords[:, 0] < 1.0) & (np.abs(coords[:, 1]) < 0.6)
    assert abs(int(counted.sum()) - int(square.sum())) <= 0.02 * square.sum()  # the lasso's edge is drawn in pixels
    assert abs(lasso["n"] - int(counted[drawn].sum())) <= 0.02 * counted[drawn].sum()
    assert counted.sum() > 4 * lasso["n"]  # the whole dataset, not just the drawn sample
    region = Region.around(xs, ys)
    zoomed, rows = figure(region)
    assert len(rows) == int(region.contains(coords).sum()) < 50_000
    page.evaluate("fig => Plotly.react('map', fig.data, fig.layout)", zoomed.to_plotly_json())
    shown = page.evaluate("""() => document.getElementById('map')._fullData
        .flatMap(t => Array.from(t.x).map((x, i) => [x, t.y[i]]))""")
    page.screenshot(path=str(artifacts_dir / "e2e-density-zoom.png"))
    page.context.close()
    assert not errors
    assert len(shown) == len(rows) and region.contains(np.array(shown, dtype=np.float32)).all()


def test_in_the_app_a_lasso_counts_every_row_and_draw_every_point_here_zooms_in(page, app_url: str,
                                                                                 artifacts_dir: Path):
    import re

    from playwright.sync_api import expect

    from tests.e2e.test_map_journey import STEP_TIMEOUT_MS, lasso, plot, wait_points

    page.goto(f"{app_url}/?data=digits&model=precomputed&method=pca")
    wait_points(page, 0, 1_797, STEP_TIMEOUT_MS)
    cap = page.get_by_label("Points drawn at most")
    cap.fill("1000")
    cap.press("Enter")
    wait_points(page, 0, 1_000)
    lasso(page, plot(page), box=(0.35, 0.35, 0.65, 0.65))
    heading = page.get_by_role("heading", name=re.compile(r"of the whole dataset"))
    expect(heading).to_be_visible(timeout=STEP_TIMEOUT_MS)
    whole, drawn = (int(n.replace(",", "")) for n in re.findall(r"[\d,]+", heading.inner_text())[:2])
    assert whole > drawn > 0  # every row inside the lasso, not only the 1,000 drawn
    page.get_by_role("button", name="Draw every point here").click()
    note = page.get_by_text(re.compile(r"Zoomed in: [\d,]+ points in view"))
    expect(note).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert "zoom=" in page.url
    in_view = int(re.search(r"([\d,]+) points in view", note.inner_text()).group(1).replace(",", ""))
    assert in_view >= whole
    wait_points(page, 0, min(in_view, 1_000))
    page.screenshot(path=str(artifacts_dir / "e2e-density-app-zoom.png"), full_page=True)
    page.get_by_role("button", name="Back to the whole map").click()
    wait_points(page, 0, 1_000)
    page.wait_for_function("() => !window.location.search.includes('zoom=')", timeout=STEP_TIMEOUT_MS)


POINTS_TRACE_JS = """() => { const gd = document.querySelector('.st-key-ee_map_chart .js-plotly-plot');
    const i = gd && Array.isArray(gd.data) ? gd.data.findIndex(t => typeof t.meta === 'string') : -1;
    const t = i < 0 ? null : gd._fullData[i];
    return t ? {meta: t.meta, cmax: t.marker.cmax, distinct: new Set(Array.from(t.marker.color)).size} : null; }"""


def test_in_the_app_a_colour_change_on_a_large_map_sends_the_colours_not_the_points(page, app_url: str,
                                                                                     artifacts_dir: Path):
    """30,000 GloVe words (one WebGL trace): recolouring sends the codes and legend while the chart (its points
    and hovers) goes as a reference to the one the browser holds; a lasso afterwards keeps the new colours."""
    from playwright.sync_api import expect

    from tests.e2e.test_map_journey import STEP_TIMEOUT_MS, choose, lasso, plot, selected_count, wait_points

    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
    n = 30_000
    page.goto(f"{app_url}/?data=glove-words&n={n}&model=precomputed&method=pca&clusters=none")
    wait_points(page, 0, n, STEP_TIMEOUT_MS)
    page.wait_for_function(f"() => ({POINTS_TRACE_JS})() !== null", timeout=STEP_TIMEOUT_MS)
    first = page.evaluate(POINTS_TRACE_JS)
    first_bytes = sum(received)
    received.clear()
    choose(page, "Colour by", "frequency_rank")
    expect(page.locator(".ee-legend").filter(has_text="frequency_rank")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.wait_for_function(f"() => ({POINTS_TRACE_JS})().meta !== {first['meta']!r}", timeout=STEP_TIMEOUT_MS)
    recoloured = page.evaluate(POINTS_TRACE_JS)
    page.wait_for_timeout(1_000)  # the rerun's last messages
    rerun_bytes = sum(received)
    page.screenshot(path=str(artifacts_dir / "e2e-large-recolour.png"), full_page=True)
    assert first["distinct"] == 1 and recoloured["cmax"] == 255 and recoloured["distinct"] > 100
    assert rerun_bytes < first_bytes / 10, (first_bytes, rerun_bytes)
    assert rerun_bytes < 3 * n  # about a byte a point (base64 codes), the legend and the script
    lasso(page, plot(page))
    assert selected_count(page) > 0
    assert page.evaluate(POINTS_TRACE_JS)["meta"] == recoloured["meta"]
