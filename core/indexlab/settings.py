"""The index lab's settings and the metric it (and every neighbour search) ranks by, each defined once (CLI options and widgets derive from them)."""
from __future__ import annotations

from dataclasses import dataclass

from core.distances import METRIC_LABELS, METRICS
from core.setting import Setting

MAX_ROWS = 100_000  # above this many vectors the lab measures a seeded random sample of this size
RECALL_TARGET = 0.9  # the recommendation picks the smallest index that keeps at least this recall


def parse_sweep(text: str | tuple) -> tuple[int, ...]:
    """Whole numbers from a comma-separated text (or a tuple of them), ascending without repeats."""
    if isinstance(text, tuple):
        return text
    try:
        values = sorted({int(part) for part in str(text).replace(" ", "").split(",") if part})
    except ValueError:
        raise ValueError(f"{text!r} is not a list of whole numbers such as 10,50,100") from None
    if not values or values[0] < 1:
        raise ValueError(f"{text!r} needs whole numbers of at least 1")
    return tuple(values)


METRIC = Setting("metric", "metric", "Distance metric", "cosine", choices=METRICS, choice_labels=METRIC_LABELS,
                 widget="select", widget_name="nb_metric", help="distance used to find neighbours")

SETTINGS: tuple[Setting, ...] = (
    Setting("queries", "queries", "Held-out queries", 500, bounds=(1, 10_000), widget="number",
            help="data vectors held out and used as queries, each left out of its own answers"),
    Setting("k", "k", "k (neighbours)", 10, bounds=(1, 100), widget="number", help="neighbours per query"),
    Setting("hnsw_m", "hnsw_m", "Chroma HNSW M", 16, bounds=(4, 64), widget="number",
            help="links per node in Chroma's HNSW graph"),
    Setting("ef_construction", "ef_construction", "Chroma ef_construction", 100, bounds=(10, 500), widget="number",
            help="candidate list while Chroma builds its graph"),
    Setting("ef_search", "ef_search", "Chroma ef_search sweep", (10, 20, 50, 100, 200), widget="text",
            convert=parse_sweep, help="candidate lists tried at query time, comma-separated"),
    Setting("pq_m", "pq_m", "IVF-PQ sub-vectors m", 0, bounds=(0, 512), widget="number", auto="dimension / 8",
            help="IVF-PQ sub-quantisers (must divide the dimension)"),
    Setting("pq_nbits", "pq_nbits", "IVF-PQ bits per code", 8, bounds=(4, 8), widget="number",
            help="IVF-PQ bits per sub-vector code"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class LabParams:
    """Everything that shapes one run of the lab (one field per row of `SETTINGS`, in its order, then the metric)."""

    queries: int = BY_NAME["queries"].default
    k: int = BY_NAME["k"].default
    hnsw_m: int = BY_NAME["hnsw_m"].default
    ef_construction: int = BY_NAME["ef_construction"].default
    ef_search: tuple[int, ...] = BY_NAME["ef_search"].default
    pq_m: int | None = None
    pq_nbits: int = BY_NAME["pq_nbits"].default
    metric: str = METRIC.default
