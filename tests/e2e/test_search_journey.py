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
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Search", exact=True).click()
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


EMBED_TIMEOUT_MS = 600_000  # a fresh server embeds the 479 windows of the 350 Lee documents


def test_chunked_documents_show_the_matching_passage(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
    dataset = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator("label").get_by_text("Dataset", exact=True)).get_by_role("combobox")
    dataset.click()
    page.get_by_role("option", name="Lee news corpus: documents", exact=True).click()
    expect(page.get_by_text(re.compile(r"101 of 350 texts are longer than this model's 256-token window"))
           ).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("radio", name="Chunk and pool", exact=True).click()
    expect(page.get_by_text("Overlap between windows (tokens)")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(r"^350 vectors of dimension 384"))).to_be_visible(timeout=EMBED_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"split into overlapping windows"))).to_be_visible()

    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Search", exact=True).click()
    expect(page.get_by_text(re.compile(r"101 long texts chunked into 256-token windows"))
           ).to_be_visible(timeout=FIRST_LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="Index 350 vectors").click()
    expect(page.get_by_text(re.compile(r"complete \(350 vectors\)"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_label("Search for").fill("bushfires near Sydney")
    page.get_by_role("button", name="Search", exact=True).click()  # the button, where the first journey pressed Enter
    expect(page.get_by_text("Recall@10 vs exact")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    heading = page.get_by_text(re.compile(r"Best-matching passage of the top hit \(window \d+ of \d+"))
    expect(heading).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator('[data-testid="stMarkdown"] span[style*="background"]').first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-search-passage.png"), full_page=True)
