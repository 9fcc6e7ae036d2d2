"""End-to-end fixtures: a real `streamlit run` server and a headless Chromium driving it."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.bench.browser import CHROMIUM, chromium_browser, serve_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_url(artifacts_dir: Path):
    """Base URL of a `streamlit run app.py` server that shares this session's EE_DATA_DIR."""
    with serve_app(artifacts_dir / "streamlit-server.log") as (base, _):  # env carries EE_DATA_DIR (tests/conftest.py)
        yield base


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright (its bundled browsers cannot be downloaded here)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium package to run the browser tests")
    with chromium_browser() as browser:
        yield browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so `page` can tell whether its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, chromium, app_url, artifacts_dir: Path):
    """A fresh browser context (so a fresh Streamlit session) per test; console errors, and a screenshot of a failed
    test's page, go to test-artifacts/."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1800})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"console.error: {msg.text} ({msg.location.get('url')})")
          if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    yield pg
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:  # what the page showed when the test gave up
        pg.screenshot(path=str(artifacts_dir / f"e2e-failed-{request.node.name}.png"), full_page=True)
    context.close()
    (artifacts_dir / f"e2e-console-{request.node.name}.log").write_text("\n".join(errors) + "\n" if errors else "")
