"""Browser journey for stable maps: rows added on the Map page appear on the drawn map, marked as new, with the old
points where they were."""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from core.bench.browser import TITLE_JS
from core.data.builtins import builtin
from tests.e2e.test_map_journey import LOAD_TIMEOUT_MS, STEP_TIMEOUT_MS, plot, wait_points

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DIGITS_PCA = "?data=digits&model=precomputed&method=pca&clusters=none"
N_DIGITS, N_NEW = 1797, 40
# Every drawn point's coordinates.
POINTS_JS = """el => el._fullData.filter(t => t.x && t.x.length && t.mode !== 'text')
    .flatMap(t => Array.from(t.x).map((x, i) => [x, t.y[i]]))"""


def _more_digits() -> bytes:
    vectors = builtin("digits").load(0).vectors[:N_NEW] + 0.25
    buffer = io.BytesIO()
    np.save(buffer, vectors.astype(np.float32))
    return buffer.getvalue()


def _drawn_points(page: Page) -> Counter:
    return Counter(map(tuple, plot(page).evaluate(POINTS_JS)))


def test_added_rows_appear_on_the_map_marked_as_new(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(f"{app_url}/{DIGITS_PCA}")
    wait_points(page, 0, N_DIGITS, LOAD_TIMEOUT_MS)
    before = _drawn_points(page)
    page.get_by_text("Add rows to this data and map").click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="More rows")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "more.npy", "mimeType": "application/octet-stream", "buffer": _more_digits()})
    page.get_by_role("button", name="Add rows").click(timeout=STEP_TIMEOUT_MS)
    page.wait_for_function(f"() => ({TITLE_JS})().includes('{N_NEW} new rows placed into the map of {N_DIGITS:,}')",
                           polling=300, timeout=STEP_TIMEOUT_MS)
    wait_points(page, 0, N_DIGITS + N_NEW)
    after = _drawn_points(page)
    assert not before - after and (after - before).total() == N_NEW  # the old points where they were, and the new
    expect(page.get_by_text("Drift ", exact=False).first).to_be_visible()
    expect(page.locator(".legendtext").filter(has_text="True")).to_have_count(1)  # coloured by the new column
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "e2e-grow-map.png"), full_page=True)
