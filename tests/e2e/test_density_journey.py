"""Browser journey for a large map: 300,000 points drawn as a density image under a 50,000-point sample that
answers hovers and lasso selections, in Plotly's own rendering."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

N_POINTS = 300_000


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
    page.mouse.move(*corners[0])
    page.mouse.down()
    for corner in corners[1:]:
        page.mouse.move(*corner, steps=8)
    page.mouse.up()
    page.wait_for_function("() => window.__eeSelected !== null", timeout=30_000)
    selected = page.evaluate("() => window.__eeSelected")
    page.screenshot(path=str(artifacts_dir / "e2e-density-map.png"))
    page.context.close()
    inside = np.abs(coords[rows]).max(axis=1) < 0.5  # the sample's points inside the lasso's square
    assert not errors
    assert abs(selected - int(inside.sum())) <= 0.02 * inside.sum()  # the lasso's edge is drawn in pixels
