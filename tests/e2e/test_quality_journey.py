"""Browser journey: Lee sentences with planted copies are uploaded, their duplicates found on the Quality page,
and the deduplicated data downloaded."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.data.builtins import lee_sentences
from tests.e2e.test_journeys import FIRST_MAP_TIMEOUT_MS, LSA_TITLE, STEP_TIMEOUT_MS, choose, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ORIGINALS = 120  # distinct Lee sentences
EXACT = (3, 40, 77)  # copied word for word
EDITED = (10, 55)  # copied lower-cased, without punctuation


def write_lee_with_copies(path: Path) -> list[str]:
    """The first ORIGINALS distinct Lee sentences, then the planted copies; returns every row's text."""
    texts = list(dict.fromkeys(lee_sentences().texts))[:ORIGINALS]
    texts += [texts[i] for i in EXACT] + [re.sub(r"[^\w\s]", "", texts[i]).lower() for i in EDITED]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)
    return texts


def test_planted_copies_are_found_and_the_deduplicated_data_downloads(page: Page, app_url: str, tmp_path: Path,
                                                                      artifacts_dir: Path):
    texts = write_lee_with_copies(tmp_path / "lee-copies.csv")
    page.goto(f"{app_url}/data")
    page.get_by_text("Upload a file", exact=True).click(timeout=STEP_TIMEOUT_MS)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(
        str(tmp_path / "lee-copies.csv"))
    page.get_by_role("button", name="Use this file").click()
    expect(page.get_by_text(re.compile(rf"lee-copies\.csv: {len(texts)} rows"))).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    choose(page, "Model", LSA_TITLE)
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(rf"^{len(texts)} vectors of dimension"))).to_be_visible(
        timeout=STEP_TIMEOUT_MS)

    open_page(page, "Quality")
    tab = page.get_by_role("tab", name="Duplicates")
    expect(tab).to_be_visible(timeout=FIRST_MAP_TIMEOUT_MS)  # after the map (UMAP compiles on a server's first map)
    tab.click()
    exact = page.locator('[data-testid="stMetric"]').filter(has_text="Exact text repeats")
    expect(exact).to_contain_text("3", timeout=FIRST_MAP_TIMEOUT_MS)
    groups = page.locator('[data-testid="stMetric"]').filter(has_text="Duplicate groups")
    expect(groups).to_contain_text(str(len(EXACT) + len(EDITED)))
    page.screenshot(path=str(artifacts_dir / "e2e-quality-duplicates.png"), full_page=True)

    with page.expect_download(timeout=STEP_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download the deduplicated data (CSV)").click()
    target = artifacts_dir / "e2e-deduplicated.csv"
    download.value.save_as(target)
    with target.open(encoding="utf-8") as f:
        kept = [row["text"] for row in csv.DictReader(f)]
    assert kept == texts[:ORIGINALS]
