"""A room of viewers: time to a drawn default map for 1 and for 8 sessions on one warm server.

A real `streamlit run app.py` serves a fresh data folder; a first browser session draws the default map
(Lee sentences x MiniLM, UMAP; the quick PCA preview does not count), which puts the vectors and the
projection on disk and in the server's shared memory. Then:

- one new browser session is timed from navigation until its map has its points: `sessions_1_s` (the median
  of three);
- a room of eight: one new browser session opens at the same moment as seven others that speak Streamlit's own
  wire protocol (`components/bench/wire.py`: each fetches every file the browser fetched, opens the websocket
  and sends the `rerun_script` message a browser sends, so the server does for it all it does for a browser).
  The browser's time to its drawn map is `sessions_8_s` (the median of three rooms). The seven draw nothing
  here, as eight viewers' laptops each draw only their own map;
- the server's share alone, over the wire protocol, for one session and for eight opened at once:
  `sessions_server_1_s` and `sessions_server_8_s` (the slowest of eight), and for eight that fetch no page
  files, as returning browsers with those files cached: `sessions_server_8_no_files_s`;
- eight real browsers are also opened at once on this machine (`sessions_browsers_8_s`): there, the eight
  Chromium renderers share the server's cores, which a room of laptops does not.

The server's resident memory with 1 and 8 live browser sessions, its CPU time per session, the
browsers' CPU time and the bytes each session received are read alongside.

Every session opens the same link (`SessionsSizes.link`; empty: the default map); the room's size and the
repeats are sizes too (the keys keep their names at other sizes).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from core.bench.browser import check_browser_tools, chromium_browser, map_ready_js, serve_app
from core.errors import UserError
from core.maps.settings import METHOD_LABELS
from core.maps.view_state import decode_view
from core.paths import PROJECT_ROOT

MAP_POINTS = 2000  # the Lee sentences' map has 2,756 points; more than this means it is drawn
WARM_TIMEOUT_S = 900
SESSION_TIMEOUT_S = 600
WIRE_START_S = 5.0  # time given to the wire sessions' child process to start before the room opens together
WIRE_LATE_S = 0.5  # a room whose wire sessions opened later than this after the browser's is not a room


@dataclass(frozen=True)
class SessionsSizes:
    """The link every session opens, how many sessions a room holds, and how often one session and a room are
    each timed (the median is reported)."""

    link: str = ""
    room: int = 8
    repeats: int = 3


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def chosen_title(url: str) -> str:
    """How the title of the map at `url` starts once its chosen projection is drawn (not the quick PCA preview
    drawn while it computes)."""
    view, _ = decode_view(dict(parse_qsl(urlsplit(url).query)))
    return f"{METHOD_LABELS[view.projection.method]} of"


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


@dataclass
class BrowserRun:
    """Sessions opened at once in Chromium: seconds to each one's map, websocket bytes, every HTTP request."""
    seconds: list[float]
    ws_bytes: list[int]
    requests: list[list[str]]
    contexts: list

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _open(browser, url: str):
    """A new context (a new Streamlit session) navigating to `url`; returns (context, page, bytes, requests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    received, requests = [0], []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
        0, received[0] + len(payload))))

    def count(request) -> None:
        if request.method == "GET":
            requests.append(request.url)

    page.on("requestfinished", count)
    page.goto(url, wait_until="commit")
    return context, page, received, requests


def _map_drawn(page, url: str) -> bool:
    try:
        return bool(page.evaluate(map_ready_js(f"n > {MAP_POINTS}", title=chosen_title(url))))
    except Exception:  # noqa: BLE001 - a page mid-navigation answers nothing yet
        return False


def time_to_maps(browser, url: str, n: int, timeout_s: float) -> BrowserRun:
    """Open `n` browser sessions at once and wait until each has drawn the map."""
    start = time.perf_counter()
    opened = [_open(browser, url) for _ in range(n)]
    done: dict[int, float] = {}
    while len(done) < n and time.perf_counter() - start < timeout_s:
        for i, (_, page, _, _) in enumerate(opened):
            if i not in done and _map_drawn(page, url):
                done[i] = time.perf_counter() - start
        time.sleep(0.2)
    if len(done) < n:
        raise UserError(f"Only {len(done)} of {n} sessions drew the map within {timeout_s:.0f} s.")
    return BrowserRun([done[i] for i in range(n)], [r[0] for _, _, r, _ in opened],
                      [list(q) for _, _, _, q in opened], [c for c, _, _, _ in opened])


def start_wire_sessions(url: str, n: int, assets_file: Path | None, *,
                        start_at: float | None = None) -> subprocess.Popen:
    """A child process (core/ stays free of Streamlit) that opens `n` sessions at once over Streamlit's protocol,
    each first fetching the URLs listed in `assets_file` (none without it), at the moment `start_at` (seconds
    since the epoch) when given."""
    cmd = [sys.executable, "-m", "components.bench.wire", url, "--sessions", str(n), "--title", chosen_title(url),
           "--min-points", str(MAP_POINTS), "--timeout", str(SESSION_TIMEOUT_S)]
    if assets_file is not None:
        cmd += ["--assets", str(assets_file)]
    if start_at is not None:
        cmd += ["--start-at", repr(start_at)]
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wire_result(proc: subprocess.Popen) -> dict:
    """What the wire sessions' child printed: each session's figures, its CPU seconds and how late it started."""
    out, err = proc.communicate()
    lines = out.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = "\n".join((err or out).strip().splitlines()[-15:])
        raise RuntimeError(f"the wire sessions failed (exit {proc.returncode}):\n{tail}")
    return json.loads(lines[-1])


def server_share(url: str, assets_file: Path, sizes: SessionsSizes) -> dict[str, float]:
    """Seconds until the map reached one session (the quickest of the repeats) and the slowest of a room opened
    at once, each fetching what a browser fetched and then speaking Streamlit's protocol."""
    one = min((wire_result(start_wire_sessions(url, 1, assets_file))["sessions"][0] for _ in range(sizes.repeats)),
              key=lambda s: s["map_s"])
    room = wire_result(start_wire_sessions(url, sizes.room, assets_file))
    arrived = [s["map_s"] for s in room["sessions"]]
    scripts_only = max(s["map_s"] for s in wire_result(start_wire_sessions(url, sizes.room, None))["sessions"])
    _log(f"sessions: the server delivers the map in {one['map_s']:.2f} s to 1 session, {max(arrived):.2f} s to {sizes.room} "
         f"({scripts_only:.2f} s when they fetch no page files)")
    return {"sessions_server_1_s": round(one["map_s"], 3), "sessions_server_8_s": round(max(arrived), 3),
            "sessions_server_8_no_files_s": round(scripts_only, 3),
            "sessions_server_8_mean_s": round(sum(arrived) / sizes.room, 3),
            "sessions_server_ratio": round(max(arrived) / one["map_s"], 2),
            "sessions_wire_bytes": one["bytes_received"], "sessions_client_cpu_s_8": round(room["client_cpu_s"], 2)}


def browser_in_a_room(browser, url: str, assets_file: Path, room: int) -> float:
    """Seconds until one new browser session has drawn the map, opened at the same moment as `room` - 1 sessions
    over Streamlit's protocol that ask the server for everything a browser asks."""
    start_at = time.time() + WIRE_START_S
    others = start_wire_sessions(url, room - 1, assets_file, start_at=start_at)
    time.sleep(max(0.0, start_at - time.time()))
    seconds = one_browser(browser, url)
    late_s = wire_result(others)["late_s"]
    if late_s > WIRE_LATE_S:
        raise RuntimeError(f"the other {room - 1} sessions opened {late_s:.1f} s after the browser's; raise WIRE_START_S")
    _log(f"sessions: a browser among {room} drew the map in {seconds:.2f} s")
    return seconds


def one_browser(browser, url: str) -> float:
    """Seconds until one new browser session, alone, has drawn the map."""
    run = time_to_maps(browser, url, 1, SESSION_TIMEOUT_S)
    run.close()
    return run.seconds[0]


def bench_sessions(workdir: Path, sizes: SessionsSizes) -> dict[str, float]:
    """sessions_1_s / sessions_8_s, the server's share of each, and the server's memory with 1 and 8 sessions."""
    check_browser_tools("sessions")
    with serve_app(workdir / "streamlit.log") as (base, proc), chromium_browser() as browser:
        url = f"{base}/?{sizes.link}" if sizes.link else base
        _log("sessions: first session draws the map (embeds and projects on a fresh data folder)")
        warm = time_to_maps(browser, url, 1, WARM_TIMEOUT_S)
        warm.close()
        _log(f"sessions: warm-up {warm.seconds[0]:.1f} s; one new session")
        cpu_before = cpu_s(proc.pid)
        one = time_to_maps(browser, url, 1, SESSION_TIMEOUT_S)
        one_cpu, rss_1 = cpu_s(proc.pid) - cpu_before, rss_mb(proc.pid)
        one.close()
        assets = [u for u in one.requests[0] if u.startswith("http")]
        assets_file = workdir / "assets.json"
        assets_file.write_text(json.dumps(assets))
        alone = [one.seconds[0], *(one_browser(browser, url) for _ in range(sizes.repeats - 1))]
        _log(f"sessions: one browser alone drew the map in {', '.join(f'{s:.2f}' for s in alone)} s")
        in_room = [browser_in_a_room(browser, url, assets_file, sizes.room) for _ in range(sizes.repeats)]
        server = server_share(url, assets_file, sizes)
        _log(f"sessions: {sizes.room} browsers at once on this machine")
        server_before, browsers_before = cpu_s(proc.pid), browser_cpu_s()
        room = time_to_maps(browser, url, sizes.room, SESSION_TIMEOUT_S)
        room_cpu, browsers_cpu = cpu_s(proc.pid) - server_before, browser_cpu_s() - browsers_before
        rss_8 = rss_mb(proc.pid)
        room.close()
    _log(f"sessions: {sizes.room} browsers on this machine {max(room.seconds):.1f} s (slowest)")
    one_s, room_s = statistics.median(alone), statistics.median(in_room)
    return {"sessions_warmup_s": round(warm.seconds[0], 2), "sessions_1_s": round(one_s, 2),
            "sessions_8_s": round(room_s, 2), "sessions_ratio": round(room_s / one_s, 2),
            "sessions_8_slowest_s": round(max(in_room), 2), **server,
            "sessions_browsers_8_s": round(max(room.seconds), 2),
            "sessions_browsers_8_mean_s": round(sum(room.seconds) / sizes.room, 2),
            "sessions_rss_mb_1": round(rss_1, 1), "sessions_rss_mb_8": round(rss_8, 1),
            "sessions_rss_ratio": round(rss_8 / max(rss_1, 1e-6), 2), "sessions_cpu_s_1": round(one_cpu, 2),
            "sessions_server_cpu_s_8": round(room_cpu, 2), "sessions_browser_cpu_s_8": round(browsers_cpu, 2),
            "sessions_requests_1": len(assets), "sessions_ws_bytes_1": one.ws_bytes[0]}
