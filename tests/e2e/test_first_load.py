"""A server's first visitor: the sidebar lists the pages by title from the first moment, never Streamlit's own
list of the files in pages/ (which it shows until a script first calls st.navigation)."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.bench.browser import serve_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FILE_NAMES = {"app", *(p.stem for p in (ROOT / "pages").glob("*.py"))}
TITLES = {"Map", "Compare", "Search", "Words in context", "Data", "Analogies", "Bias (WEAT)", "Evaluate", "Fine-tune"}
LOAD_TIMEOUT_MS = 180_000
# Before any page script runs: every label a sidebar link ever shows (the last line of its text; the first is its
# icon's name), recorded on each change of the page, so a list drawn and replaced between two polls still counts.
RECORD_LINKS_JS = """
window.eeSidebarLinks = new Set();
new MutationObserver(() => {
    for (const a of document.querySelectorAll('[data-testid="stSidebar"] a')) {
        window.eeSidebarLinks.add(a.innerText.trim().split('\\n').pop());
    }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def test_the_first_visitor_never_sees_the_raw_page_list(chromium, artifacts_dir: Path):
    with serve_app(artifacts_dir / "streamlit-first-load.log") as (base, _):  # a fresh server: its first session
        context = chromium.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.add_init_script(RECORD_LINKS_JS)
        page.goto(base)
        expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
        page.wait_for_timeout(2_000)  # a rerun that redrew the sidebar would show by now
        seen = set(page.evaluate("() => [...window.eeSidebarLinks]"))
        context.close()
    assert seen >= TITLES
    assert not seen & FILE_NAMES, seen
