"""Browser journey of a room's visitor: a read-only server behind a password shows nothing until the password,
refuses a wrong one, then opens a link to a published map and downloads it; it offers no upload, no training and
no indexing."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.bench.browser import serve_app
from core.paths import PROJECT_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "room-7-password"
STEP_TIMEOUT_MS = 180_000
POINTS_JS = "() => { const el = document.querySelector('.js-plotly-plot'); " \
            "return el && el._fullData ? el._fullData.reduce((n, t) => n + (t.x ? t.x.length : 0), 0) : 0; }"


@pytest.fixture(scope="module")
def viewer_url(tmp_path_factory, artifacts_dir: Path):
    """A `streamlit run` in viewer mode with a password, and one map published with the CLI."""
    root = tmp_path_factory.mktemp("viewer-server")
    published = root / "published"
    published.mkdir()
    subprocess.run([sys.executable, "-m", "core", "map", "builtin:digits", "--method", "pca", "--clusters", "none",
                    "--out", str(published / "digits-talk.parquet")], cwd=PROJECT_ROOT, check=True,
                   capture_output=True, env={**os.environ, "EE_DATA_DIR": str(root / "data")})
    env = {**os.environ, "EE_MODE": "viewer", "EE_PASSWORD": PASSWORD, "EE_PUBLISHED": str(published),
           "EE_DATA_DIR": str(root / "data")}
    with serve_app(artifacts_dir / "streamlit-viewer-server.log", env=env) as (base, _):
        yield base


@pytest.fixture
def visitor(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _password(page: Page, text: str) -> None:
    box = page.get_by_label("Password", exact=True)
    box.fill(text)
    box.press("Enter")


def test_a_deep_link_shows_only_the_password_box(visitor: Page, viewer_url: str):
    visitor.goto(f"{viewer_url}/search?data=digits&model=precomputed&method=pca")
    expect(visitor.get_by_label("Password", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(visitor.get_by_role("heading", name="Search", exact=True)).to_have_count(0)
    assert visitor.locator(".js-plotly-plot").count() == 0
    assert visitor.locator('[data-testid="stSidebar"]').get_by_role("link").count() == 0


def test_a_visitor_of_a_read_only_room(visitor: Page, viewer_url: str, artifacts_dir: Path):
    visitor.goto(f"{viewer_url}/?data=published:digits-talk&model=precomputed&method=pca")
    _password(visitor, "guess")
    expect(visitor.get_by_text("That password is not right.")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert visitor.locator(".js-plotly-plot").count() == 0
    visitor.wait_for_timeout(1_100)  # the wait after a first wrong password
    _password(visitor, PASSWORD)

    expect(visitor.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(visitor.get_by_text(re.compile(r"digits-talk \(published map\)"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    visitor.wait_for_function(f"() => ({POINTS_JS})() === 1797", timeout=STEP_TIMEOUT_MS, polling=500)
    sidebar = visitor.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text(re.compile(r"Read-only"))).to_be_visible()
    expect(sidebar.get_by_role("link", name="Fine-tune", exact=True)).to_have_count(0)
    visitor.get_by_text("Share this map", exact=True).click()
    with visitor.expect_download(timeout=STEP_TIMEOUT_MS) as download:
        visitor.get_by_role("button", name="Table (Parquet)").click()
    assert download.value.suggested_filename.endswith(".parquet")  # a visitor takes the map home
    visitor.screenshot(path=str(artifacts_dir / "e2e-viewer-map.png"), full_page=True)

    sidebar.get_by_role("link", name="Data", exact=True).click()
    expect(visitor.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(visitor.get_by_role("radio", name="Published map")).to_be_checked()
    expect(visitor.get_by_role("radio", name="Upload a file")).to_have_count(0)
    assert visitor.locator('[data-testid="stFileUploader"]').count() == 0

    sidebar.get_by_role("link", name="Search", exact=True).click()
    expect(visitor.get_by_text(re.compile(r"not indexed on this read-only server"))).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(visitor.get_by_role("button", name=re.compile(r"^Index "))).to_have_count(0)
