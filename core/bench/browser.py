"""A real `streamlit run app.py` server and headless Chromium, for the browser tests and the sessions bench."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import UserError
from core.paths import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
HEALTH_TIMEOUT_S = 120
HEALTH_POLL_S = 0.1  # the server answers within about a second: a coarser poll would add up to itself to the timings
# Plotly >= 6 ships arrays base64-encoded in `data`; `_fullData` holds the decoded ones.
POINTS_JS = "el => el._fullData.reduce((n, t) => n + (t.x ? t.x.length : 0), 0)"
COUNT_JS = f"""() => {{
    const el = document.querySelector('.js-plotly-plot');
    return el && el._fullData ? ({POINTS_JS})(el) : 0;
}}"""
# On a slow machine the page first asks whether to embed everything (a job of minutes): say yes, as a user would.
ACCEPT_LONG_JOB_JS = """() => {
    const go = [...document.querySelectorAll('button')].find(b => b.innerText.startsWith('Embed all '));
    if (go && !go.dataset.eePressed) { go.dataset.eePressed = '1'; go.click(); }
}"""


TITLE_JS = """() => {
    const el = document.querySelector('.js-plotly-plot');
    const t = el && el.layout && el.layout.title;
    return t ? String(t.text || t).replace(/<[^>]*>/g, '') : '';
}"""


def map_ready_js(condition: str, *, title: str = "") -> str:
    """A page function that, once the chart's point count `n` meets `condition` (e.g. 'n > 2000') and its title
    (markup removed) starts with `title`, returns `{points, title}` read together (a chart redrawn a moment
    later cannot mix two drawings), and false before."""
    return (f"() => {{ ({ACCEPT_LONG_JOB_JS})(); const n = ({COUNT_JS})(); const t = ({TITLE_JS})(); "
            f"return ({condition}) && t.startsWith({title!r}) ? {{points: n, title: t}} : false; }}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = HEALTH_TIMEOUT_S) -> None:
    """Poll Streamlit's health endpoint until it answers, the server dies, or time runs out."""
    for _ in range(int(timeout_s / HEALTH_POLL_S)):
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(HEALTH_POLL_S)
    raise RuntimeError(f"streamlit did not become healthy at {url} within {timeout_s:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group, then kill it if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def serve_app(log_path: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """A `streamlit run app.py` on a free local port: yields (base URL, process); stopped afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env or dict(os.environ), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(f"{base}/_stcore/health", proc)
            yield base, proc
        finally:
            stop(proc)


def check_browser_tools(section: str) -> None:
    """Raise a user error naming what the `section` bench lacks to drive Chromium, if anything."""
    if not CHROMIUM.exists():
        raise UserError(f"The {section} bench drives {CHROMIUM}; install Debian's chromium package first.")
    try:
        import playwright  # noqa: F401
    except ImportError:
        raise UserError(f"The {section} bench drives Chromium with Playwright: run `make bench`, which installs "
                        "it, or `pip install -r requirements-test.txt`.") from None


@contextmanager
def chromium_browser() -> Iterator:
    """Debian's headless Chromium driven by Playwright (its own browser builds cannot be downloaded here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
