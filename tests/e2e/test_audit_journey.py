"""Browser journey: run the WEAT tests on the Bias page and download the self-contained audit report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STEP_TIMEOUT_MS = 120_000
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_weat_and_report_download(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(app_url)
    nav = page.locator('[data-testid="stSidebar"]')
    nav.get_by_role("link", name="Bias (WEAT)", exact=True).click()
    expect(page.get_by_role("heading", name="Bias (WEAT)", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    picker = page.locator('[data-testid="stButtonGroup"]').filter(has_text="WEAT 10:")
    last = picker.get_by_role("button", name=re.compile(r"^WEAT 10:"))
    expect(last).to_be_visible(timeout=STEP_TIMEOUT_MS)
    box, inner = picker.bounding_box(), last.bounding_box()  # every test inside the picker, none clipped
    assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
    assert box["y"] <= inner["y"] and inner["y"] + inner["height"] <= box["y"] + box["height"] + 1

    page.get_by_role("button", name="Run WEAT").click()
    expect(page.get_by_text("Permutation p-values: exact", exact=False)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_text("Adjusted p-values treat the 10 test(s)", exact=False)).to_be_visible()
    expect(page.locator(".js-plotly-plot").filter(has_text="WEAT effect sizes")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot").filter(has_text="95% bootstrap interval")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-bias-weat.png"), full_page=True)

    with page.expect_download(timeout=STEP_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download the audit report (HTML)").click()
    target = artifacts_dir / "e2e-audit-report.html"
    download.value.save_as(target)
    report = target.read_text(encoding="utf-8")
    assert "<h2>WEAT</h2>" in report and "<td>weat6</td>" in report and "gladiola" in report
    assert "<th>d_ci_low</th>" in report and "<th>p_holm</th>" in report and "Benjamini" in report
    assert "Plotly.newPlot" in report
    assert not EXTERNAL.search(report)
