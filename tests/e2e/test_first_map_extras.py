"""A first map reaches the browser alone: the cluster table and the faithfulness chart folded under it are drawn
when their expander is opened, so the browser loads their code after the map, not before it."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.bench.browser import map_ready_js

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LOAD_TIMEOUT_MS = 300_000
DIGITS_PCA = "?data=digits&model=precomputed&method=pca&clusters=kmeans&k=10"
N_DIGITS = 1797
FOLDED = '[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], [data-testid="stMetric"]'


def test_the_tables_and_charts_under_the_map_are_drawn_once_unfolded(page: Page, app_url: str):
    page.goto(f"{app_url}/{DIGITS_PCA}")
    page.wait_for_function(map_ready_js(f"n === {N_DIGITS}", title="PCA of"), polling=200, timeout=LOAD_TIMEOUT_MS)
    faith = page.get_by_text("How far can this map be trusted?", exact=True)
    expect(faith).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    assert page.locator(FOLDED).count() == 0  # nothing folded was sent with the map

    faith.click()
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    expect(page.get_by_text("kNN preservation (k = 10)", exact=False)).to_be_visible()
    page.get_by_text("Clusters: 10 found", exact=True).click()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    assert page.evaluate(map_ready_js(f"n === {N_DIGITS}"))  # the map is still drawn after the reruns
