"""Browser journey on the Search page: index the Lee sentences, type a query, see the table and the hits on the map."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FIRST_LOAD_TIMEOUT_MS = 300_000  # a fresh server embeds 2,756 sentences and compiles UMAP
STEP_TIMEOUT_MS = 180_000  # placing the query refits UMAP once per server process

TRACES_JS = """() => {
    const el = document.querySelector('.js-plotly-plot');
    if (!el || !el._fullData) return null;
    return Object.fromEntries(el._fullData.map(t => [t.name, t.x ? t.x.length : 0]));
}"""


def test_type_a_query_see_the_table_and_the_hits_on_the_map(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)

    index = page.get_by_role("button", name=re.compile(r"^(Index [\d,]+ vectors|Finish indexing)$"))
    again = page.get_by_role("button", name=re.compile(r"^Index again"))
    expect(index.or_(again)).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
    if index.count():
        index.click()
    expect(page.get_by_text(re.compile(r"complete \(2,756 vectors\)"))).to_be_visible(timeout=STEP_TIMEOUT_MS)

    box = page.get_by_label("Search for")
    box.fill("bushfires near Sydney")
    box.press("Enter")
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(page.get_by_text("Recall@10 vs exact")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(table).to_be_visible()
    page.wait_for_function(f"() => {{ const t = ({TRACES_JS})(); return t && t['query'] === 1; }}",
                           timeout=STEP_TIMEOUT_MS, polling=500)
    traces = page.evaluate(TRACES_JS)
    assert traces["top 10 hits"] == 10 and traces["other points"] == 2756
    page.screenshot(path=str(artifacts_dir / "e2e-search.png"), full_page=True)
