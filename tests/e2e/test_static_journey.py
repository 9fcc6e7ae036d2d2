"""Browser journey: train skip-gram on the Lee sentences, then solve an analogy with it on the Analogies page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import selectbox

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STEP_TIMEOUT_MS = 180_000


def test_train_skip_gram_then_solve_an_analogy_with_it(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(app_url)
    nav = page.locator('[data-testid="stSidebar"]')
    nav.get_by_role("link", name="Train a static model", exact=True).click()
    expect(page.get_by_role("heading", name="Train a static model")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_text("simple_preprocess", exact=False)).to_be_visible()
    page.get_by_role("button", name="Train and save").click()
    saved = page.get_by_text(re.compile(r"Saved as .*words learned"))
    expect(saved).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-static-trained.png"), full_page=True)

    nav.get_by_role("link", name="Analogies", exact=True).click()
    expect(page.get_by_role("heading", name="Analogies")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    model = selectbox(page, "Model")
    model.click()
    page.get_by_role("option", name=re.compile(r"Word2Vec skip-gram .*lee")).click()
    expect(model).to_have_value(re.compile(r"^Word2Vec skip-gram \(100-d\), trained on lee"))
    expect(page.locator(".js-plotly-plot").filter(has_text="man → king as woman →")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(artifacts_dir / "e2e-static-analogy.png"), full_page=True)
