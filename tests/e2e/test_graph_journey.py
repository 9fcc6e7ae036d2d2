"""Browser journey for graphs: open the karate club, see its two clubs apart with the edges drawn, evaluate."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import FIRST_MAP_TIMEOUT_MS, STEP_TIMEOUT_MS, choose, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KARATE = "Zachary's karate club (graph)"
TRACES_JS = """() => {
    const el = document.querySelector('.st-key-ee_map_chart .js-plotly-plot');
    if (!el || !el._fullData) return null;
    return el._fullData.map(t => ({name: t.name || '', mode: t.mode || '', x: Array.from(t.x || []),
                                   y: Array.from(t.y || [])}));
}"""
CLUBS_DRAWN_JS = f"""() => {{
    const traces = ({TRACES_JS})();
    if (!traces) return false;
    const names = traces.map(t => t.name);
    return names.includes('Mr. Hi') && names.includes('Officer') && names.includes('edges');
}}"""


def _same_club_nearest(traces: list[dict]) -> float:
    """The share of nodes whose nearest node on the map is in the same club."""
    points = [(x, y, t["name"]) for t in traces if t["name"] in ("Mr. Hi", "Officer") for x, y in zip(t["x"], t["y"])]
    xy = np.array([p[:2] for p in points], dtype=float)
    clubs = np.array([p[2] for p in points])
    distances = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(distances, np.inf)
    return float(np.mean(clubs[distances.argmin(axis=1)] == clubs))


def test_karate_club_map_shows_the_two_clubs_apart_with_edges_then_evaluates(page: Page, app_url: str,
                                                                             artifacts_dir: Path):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_MAP_TIMEOUT_MS)
    choose(page, "Dataset", KARATE)
    expect(page.get_by_text("same seed gives the same vectors", exact=False)).to_be_attached(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text("34 vectors of dimension 64", exact=False)).to_be_visible(timeout=STEP_TIMEOUT_MS)

    open_page(page, "Map")
    choose(page, "Colour by", "club")
    page.wait_for_function(CLUBS_DRAWN_JS, timeout=FIRST_MAP_TIMEOUT_MS, polling=500)
    traces = page.evaluate(TRACES_JS)
    edges = next(t for t in traces if t["name"] == "edges")
    assert edges["mode"] == "lines" and len(edges["x"]) == 3 * 78  # every edge, each a pair and a gap
    assert sum(len(t["x"]) for t in traces if t["name"] in ("Mr. Hi", "Officer")) == 34
    assert _same_club_nearest(traces) >= 0.85
    page.screenshot(path=str(artifacts_dir / "e2e-graph-map.png"), full_page=True)

    open_page(page, "Evaluate")
    choose(page, "Label column", "club")
    page.get_by_role("button", name="Evaluate on these labels").click()
    expect(page.get_by_text("logistic regression accuracy").first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Run link prediction").click()
    expect(page.locator('[data-testid="stDataFrame"]').filter(has_text="link_auc")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-graph-evaluate.png"), full_page=True)
