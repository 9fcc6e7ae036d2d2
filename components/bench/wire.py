"""Streamlit's own wire protocol spoken from Python: a session opens a page as the browser does.

A browser opening a Streamlit page fetches the page and its files, opens the `/_stcore/stream` websocket
and sends one `BackMsg.rerun_script` with the address's query string; the server runs the page's script
for that new session and streams `ForwardMsg`s back. `open_sessions` does the same for many sessions at
once (fetching the files a real browser was seen to fetch) and notes when each one's map (a Plotly chart
element) arrived, so the server's share of "time to the map" can be timed without browsers' drawing
competing for the same cores.

Run as a child process by `python -m core bench --only sessions` (core/ stays free of Streamlit); prints
one JSON line: each session's figures, the client's own CPU seconds and how late it opened them (with
`--start-at`, the moment a browser opens its own session beside them).
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import queue
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"
BROWSER_CONNECTIONS = 6  # parallel HTTP/1.1 connections a browser opens to one host


@dataclass
class WireSession:
    """What one session received: seconds to its first chart that `wanted` accepted and to the end of the
    script run, bytes (files and websocket) and websocket messages."""
    map_s: float | None
    finished_s: float | None
    bytes_received: int
    messages: int


def points_in(spec: dict) -> int:
    """How many x values the figure's traces carry (Plotly >= 6 may ship them base64-encoded)."""
    total = 0
    for trace in spec.get("data", []):
        x = trace.get("x")
        if isinstance(x, dict) and "bdata" in x:
            total += len(base64.b64decode(x["bdata"])) // max(1, _itemsize(x.get("dtype", "f8")))
        elif isinstance(x, list):
            total += len(x)
    return total


def _itemsize(dtype: str) -> int:
    return int(dtype[-1]) if dtype[-1].isdigit() else 8


def chart_title(spec: dict) -> str:
    title = spec.get("layout", {}).get("title", "")
    return str(title.get("text", "") if isinstance(title, dict) else title)


def _parse(raw: bytes) -> ForwardMsg:
    msg = ForwardMsg()
    msg.ParseFromString(raw)
    return msg


def plotly_spec(msg: ForwardMsg) -> dict | None:
    """The Plotly figure a ForwardMsg carries, or None when it carries no chart."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    if element.WhichOneof("type") != "plotly_chart":
        return None
    return json.loads(element.plotly_chart.spec)


def _rerun_message(url: str) -> bytes:
    """The browser's first message: run the page at `url` for this new session."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = urlsplit(url).query
    state.page_script_hash = ""
    state.context_info.url = url
    state.context_info.timezone = "UTC"
    state.context_info.locale = "en-US"
    return msg.SerializeToString()


def _fetch_over_one_connection(urls: queue.SimpleQueue, timeout_s: float) -> int:
    """Fetch URLs from `urls` until it is empty over one kept-alive connection, as a browser does; bytes."""
    received, connection = 0, None
    while True:
        try:
            url = urls.get_nowait()
        except queue.Empty:
            break
        parts = urlsplit(url)
        connection = connection or http.client.HTTPConnection(parts.netloc, timeout=timeout_s)
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers={"Accept-Encoding": "gzip, deflate, br"})
        received += len(connection.getresponse().read())  # an error page (a media file gone since) counts too
    if connection is not None:
        connection.close()
    return received


async def _fetch_all(assets: list[str], timeout_s: float) -> int:
    """Fetch `assets` over a browser's few parallel connections to one host; bytes received."""
    urls: queue.SimpleQueue = queue.SimpleQueue()
    for url in assets:
        urls.put(url)
    workers = (asyncio.to_thread(_fetch_over_one_connection, urls, timeout_s) for _ in range(BROWSER_CONNECTIONS))
    return sum(await asyncio.gather(*workers))


async def _session(url: str, wanted: Callable[[dict], bool], start: float, timeout_s: float,
                   assets: list[str]) -> WireSession:
    parts = urlsplit(url)
    stream = f"ws://{parts.netloc}{STREAM_PATH}"
    result = WireSession(None, None, await _fetch_all(assets, timeout_s), 0)
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=timeout_s) as ws:
        await ws.send(_rerun_message(url))
        async with asyncio.timeout(timeout_s):
            while result.map_s is None or result.finished_s is None:
                raw = await ws.recv()
                result.bytes_received += len(raw)
                result.messages += 1
                msg = _parse(raw)
                spec = plotly_spec(msg) if result.map_s is None else None
                if spec is not None and wanted(spec):
                    result.map_s = time.perf_counter() - start
                elif msg.WhichOneof("type") == "script_finished" and result.map_s is not None:
                    result.finished_s = time.perf_counter() - start
    return result


async def _open_all(url: str, n: int, wanted: Callable[[dict], bool], timeout_s: float,
                    assets: list[str]) -> list[WireSession]:
    # every session gets its own few connections, as separate browsers have (the default pool is smaller)
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=n * BROWSER_CONNECTIONS))
    start = time.perf_counter()
    return list(await asyncio.gather(*(_session(url, wanted, start, timeout_s, assets) for _ in range(n))))


def open_sessions(url: str, n: int, wanted: Callable[[dict], bool], timeout_s: float = 600, *,
                  assets: list[str] = ()) -> list[WireSession]:
    """Open `n` sessions on `url` at the same moment, each until its wanted chart and the end of its script run.

    Each session first fetches `assets` (the page and the files a browser loaded for it, from the server), so
    the server serves what a room of browsers would ask of it. The sessions run on an event loop of their own, in
    a thread of their own, so a caller whose thread already runs a loop (Playwright's sync API does) can call it.
    """
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(lambda: asyncio.run(_open_all(url, n, wanted, timeout_s, list(assets)))).result()


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Open sessions on a Streamlit page over its own protocol.")
    parser.add_argument("url")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--assets", type=Path, help="JSON list of the URLs each session fetches first")
    parser.add_argument("--title", default="", help="the wanted chart's title starts with this")
    parser.add_argument("--min-points", type=int, default=1, help="the wanted chart has more points than this")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--start-at", type=float, help="open the sessions at this moment (seconds since the epoch)")
    return parser.parse_args()


if __name__ == "__main__":
    args = _args()
    assets = json.loads(args.assets.read_text()) if args.assets else []
    wanted = lambda spec: points_in(spec) > args.min_points and chart_title(spec).startswith(args.title)  # noqa: E731
    cpu_before = time.process_time()
    late_s = 0.0 if args.start_at is None else time.time() - args.start_at
    time.sleep(max(0.0, -late_s))
    sessions = open_sessions(args.url, args.sessions, wanted, args.timeout, assets=assets)
    print(json.dumps({"sessions": [asdict(s) for s in sessions], "client_cpu_s": time.process_time() - cpu_before,
                      "late_s": max(0.0, late_s)}))
