"""Browser journey: the Index lab on the Lee sentences compares the metrics, runs, and draws its recall curve."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import FIRST_MAP_TIMEOUT_MS, STEP_TIMEOUT_MS, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FRONT_JS = ("() => { for (const el of document.querySelectorAll('.js-plotly-plot')) { const front = (el._fullData "
            "|| []).find(t => t.name === 'Pareto front'); if (front) return front.x.length; } return 0; }")


def test_the_lab_on_lee_sentences_draws_the_recall_curve(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(app_url)
    open_page(page, "Index lab")
    heatmap = page.locator(".js-plotly-plot").filter(has_text="Top-10 neighbours two metrics share")
    expect(heatmap).to_be_visible(timeout=FIRST_MAP_TIMEOUT_MS)
    expect(page.get_by_text("These vectors have unit length, so cosine, dot product and L2 rank neighbours "
                            "identically", exact=False)).to_be_visible()
    page.get_by_role("spinbutton", name="Held-out queries").fill("100")
    page.get_by_role("textbox", name="Chroma ef_search sweep").fill("10, 100")
    page.get_by_role("button", name="Run the lab").click()
    expect(page.get_by_text("recall@10 at", exact=False).first).to_be_visible(timeout=FIRST_MAP_TIMEOUT_MS)
    curve = page.locator(".js-plotly-plot").filter(has_text="Pareto front")
    expect(curve).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.wait_for_function(FRONT_JS, timeout=STEP_TIMEOUT_MS)
    assert page.evaluate(FRONT_JS) >= 1
    page.screenshot(path=str(artifacts_dir / "e2e-indexlab.png"), full_page=True)
