"""A room of viewers: time to a drawn default map for 1 and for 8 browser sessions on one warm server.

A real `streamlit run app.py` serves a fresh data folder; a first session draws the default map
(Lee sentences x MiniLM, UMAP; the quick PCA preview does not count), which puts the vectors and the
projection on disk and in the server's shared memory. Then one new session, and then eight opened at once, are timed from navigation until
their map has its points. The server's resident memory, its CPU time (and the browsers' CPU time for
the eight, which share the same cores) and the bytes each session received over the websocket are
read alongside.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from core.bench.browser import CHROMIUM, chromium_browser, map_ready_js, serve_app
from core.errors import UserError

MAP_POINTS = 2000  # the default map has 2,756 points; more than this means it is drawn
MAP_TITLE = "UMAP of"  # the default projection, not the quick PCA preview drawn while it computes
WARM_TIMEOUT_S = 900
SESSION_TIMEOUT_S = 600
ROOM = 8


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(c) for c in children.read_text().split()] if children.exists() else []
    return [pid, *(p for kid in kids for p in _process_tree(kid))]


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its children, in MB (0 where /proc is missing)."""
    total_kb = 0
    for p in _process_tree(pid):
        status = Path(f"/proc/{p}/status")
        if status.exists():
            line = next((x for x in status.read_text().splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
            total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the server process has used so far (0 where /proc is missing)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s() -> float:
    """CPU seconds used so far by every Chromium process on the machine (0 where /proc is missing)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if "chrom" in comm.read_text():
                total += cpu_s(int(comm.parent.name))
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return total


def _open(browser, url: str):
    """A new context (a new Streamlit session) navigating to `url`; returns (context, page, byte counter)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
        0, received[0] + len(payload))))
    page.goto(url, wait_until="commit")
    return context, page, received


def _map_drawn(page) -> bool:
    try:
        return bool(page.evaluate(map_ready_js(f"n > {MAP_POINTS}", title=MAP_TITLE)))
    except Exception:  # noqa: BLE001 - a page mid-navigation answers nothing yet
        return False


def time_to_maps(browser, url: str, n: int, timeout_s: float) -> tuple[list[float], list[int], list]:
    """Open `n` sessions at once; seconds until each has drawn the map, bytes each received, and the contexts."""
    start = time.perf_counter()
    opened = [_open(browser, url) for _ in range(n)]
    done: dict[int, float] = {}
    while len(done) < n and time.perf_counter() - start < timeout_s:
        for i, (_, page, _) in enumerate(opened):
            if i not in done and _map_drawn(page):
                done[i] = time.perf_counter() - start
        time.sleep(0.2)
    if len(done) < n:
        raise UserError(f"Only {len(done)} of {n} sessions drew the map within {timeout_s:.0f} s.")
    return [done[i] for i in range(n)], [r[0] for _, _, r in opened], [c for c, _, _ in opened]


def bench_sessions(workdir: Path) -> dict[str, float]:
    """sessions_1_s / sessions_8_s (slowest of eight at once) and the server's memory for each."""
    if not CHROMIUM.exists():
        raise UserError(f"The sessions bench drives {CHROMIUM}; install Debian's chromium package first.")
    try:
        import playwright  # noqa: F401
    except ImportError:
        raise UserError("The sessions bench drives Chromium with Playwright: run `make bench`, which installs "
                        "it, or `pip install -r requirements-test.txt`.") from None
    with serve_app(workdir / "streamlit.log") as (url, proc), chromium_browser() as browser:
        _log("sessions: first session draws the default map (embeds and projects on a fresh data folder)")
        warm_s, _, contexts = time_to_maps(browser, url, 1, WARM_TIMEOUT_S)
        for context in contexts:
            context.close()
        _log(f"sessions: warm-up {warm_s[0]:.1f} s; one new session")
        cpu_before = cpu_s(proc.pid)
        one_s, one_bytes, contexts = time_to_maps(browser, url, 1, SESSION_TIMEOUT_S)
        one_cpu, rss_1 = cpu_s(proc.pid) - cpu_before, rss_mb(proc.pid)
        for context in contexts:
            context.close()
        _log(f"sessions: 1 session {one_s[0]:.1f} s; {ROOM} sessions at once")
        server_before, browsers_before = cpu_s(proc.pid), browser_cpu_s()
        room_s, room_bytes, contexts = time_to_maps(browser, url, ROOM, SESSION_TIMEOUT_S)
        room_cpu, browsers_cpu = cpu_s(proc.pid) - server_before, browser_cpu_s() - browsers_before
        rss_8 = rss_mb(proc.pid)
        for context in contexts:
            context.close()
    _log(f"sessions: {ROOM} sessions {max(room_s):.1f} s (slowest)")
    return {"sessions_warmup_s": round(warm_s[0], 2), "sessions_1_s": round(one_s[0], 2),
            "sessions_8_s": round(max(room_s), 2), "sessions_8_mean_s": round(sum(room_s) / ROOM, 2),
            "sessions_ratio": round(max(room_s) / one_s[0], 2), "sessions_rss_mb_1": round(rss_1, 1),
            "sessions_rss_mb_8": round(rss_8, 1), "sessions_rss_ratio": round(rss_8 / max(rss_1, 1e-6), 2),
            "sessions_cpu_s_1": round(one_cpu, 2), "sessions_server_cpu_s_8": round(room_cpu, 2),
            "sessions_browser_cpu_s_8": round(browsers_cpu, 2), "sessions_bytes_1": one_bytes[0],
            "sessions_bytes_8_mean": round(sum(room_bytes) / ROOM)}
