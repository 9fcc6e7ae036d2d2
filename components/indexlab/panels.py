"""The Index lab's panels: how the metrics agree on these vectors, the lab's settings, and its results."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.indexlab import run
from components.indexlab.figures import build_agreement, build_tradeoff, results_table
from components.setting_widgets import setting_widget
from components.state import persist
from core.distances import METRIC_LABELS, METRICS, WHEN_TO_USE, agreement, is_unit, nearest
from core.errors import UserError
from core.indexlab.lab import in_words, recommendation
from core.indexlab.queries import embed_typed, query_lines
from core.indexlab.settings import MAX_ROWS, METRIC, SETTINGS, LabParams

AGREEMENT_ROWS = 5_000  # rows the agreement figure compares on (a seeded sample above this)
AGREEMENT_QUERIES = 200
AGREEMENT_K = 10


@st.cache_data(show_spinner=False, max_entries=8)
def _agreement(vectors_hash: str, _vectors: np.ndarray) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(_vectors), AGREEMENT_ROWS, replace=False)) if len(_vectors) > AGREEMENT_ROWS else None
    sample = _vectors if rows is None else _vectors[rows]
    return agreement(sample, k=AGREEMENT_K, n_queries=AGREEMENT_QUERIES)


def metrics_panel(vectors: np.ndarray, vectors_hash: str) -> None:
    """Each metric with when to use it, and a heatmap of how far their top-10 neighbours agree here."""
    st.dataframe(pd.DataFrame({"metric": METRIC_LABELS, "when to use it": [WHEN_TO_USE[m] for m in METRICS]}),
                 hide_index=True, width="stretch", key="ee_indexlab_metric_table")
    with st.spinner("Comparing the metrics' neighbours…"):
        table = _agreement(vectors_hash, vectors)
    st.plotly_chart(build_agreement(table, AGREEMENT_K), key="ee_indexlab_agreement")
    sample = f" (on a sample of {AGREEMENT_ROWS:,} of them)" if len(vectors) > AGREEMENT_ROWS else ""
    if is_unit(vectors):
        st.caption(f"These vectors have unit length, so cosine, dot product and L2 rank neighbours identically: "
                   f"their overlap is 1.00{sample}. L1 and Hamming can still differ.")
    else:
        st.caption(f"These vectors are not all of unit length, so cosine, dot product and L2 can disagree{sample}.")


def neighbours_panel(vectors: np.ndarray, texts: list[str]) -> None:
    """One point's nearest neighbours under the chosen metric, and whether cosine finds them too."""
    c1, c2 = st.columns([1, 2])
    with c1:
        metric = METRIC.cast(setting_widget(METRIC))
    with c2:
        row = int(st.number_input("Point (row number)", 0, len(vectors) - 1, **persist("ee_w_indexlab_row", 0)))
    st.caption(f"Neighbours of “{texts[row][:120]}” by {METRIC.choice_label(metric)}: "
               f"{WHEN_TO_USE[metric][0].lower()}{WHEN_TO_USE[metric][1:]}")
    mine = nearest(vectors[row], vectors, AGREEMENT_K, metric, exclude=np.array([row]))[0]
    by_cosine = set(nearest(vectors[row], vectors, AGREEMENT_K, "cosine", exclude=np.array([row]))[0].tolist())
    st.dataframe(pd.DataFrame({"rank": np.arange(1, len(mine) + 1), "neighbour": [texts[i] for i in mine],
                               "also a cosine neighbour": [int(i) in by_cosine for i in mine]}),
                 hide_index=True, width="stretch", key="ee_indexlab_neighbours")


def lab_form() -> LabParams | None:
    """The lab's settings in a form; the params when Run is pressed (and they read right), else None."""
    with st.form("ee_indexlab_form", border=False):
        columns = st.columns(4)
        values = {}
        for i, setting in enumerate(SETTINGS):
            with columns[i % 4]:
                values[setting.name] = setting_widget(setting)
        with columns[len(SETTINGS) % 4]:
            metric = setting_widget(METRIC, key="ee_w_indexlab_metric", label="Metric the lab ranks by")
        pressed = st.form_submit_button("Run the lab", type="primary")
    if not pressed:
        return None
    try:
        return LabParams(**{s.name: s.cast(values[s.name]) for s in SETTINGS}, metric=METRIC.cast(metric))
    except ValueError as err:
        st.error(f"Check the settings: {err}.")
        return None


def results_panel(report) -> None:
    """The recommendation, the recall-latency plot with its Pareto front, and every figure in a table."""
    st.success(recommendation(report))
    for note in report.notes:
        st.info(note)
    unit = "; vectors scaled to unit length" if report.metric == "cosine" else ""
    st.caption(f"{report.queries:,} queries against {report.n:,} vectors of dimension {report.dim}, "
               f"top {report.k}, ranked by {in_words(report.metric)}{unit}.")
    st.plotly_chart(build_tradeoff(report), key="ee_indexlab_tradeoff")
    st.dataframe(results_table(report), hide_index=True, width="stretch", key="ee_indexlab_results")


def typed_queries(model_key: str, texts: list[str]) -> np.ndarray | None:
    """Queries typed one per line, embedded as Search embeds a query; None (held-out rows) when none are typed."""
    typed = st.text_area("Typed queries, one per line (empty: held-out rows of the data)", key="ee_indexlab_typed",
                         help="Each line is embedded with the data's model, as the Search page embeds a query.")
    lines = query_lines(typed)
    if not lines:
        return None
    return embed_typed(lines, model_key, texts, get_embedder=seam.embedder_getter(model_key))


def lab_section(vectors: np.ndarray, source: tuple, model_key: str, texts: list[str]) -> None:
    """Typed queries, settings, Run, the running lab's progress, and its results once done."""
    if len(vectors) > MAX_ROWS:
        st.info(f"This data has {len(vectors):,} vectors: the lab measures a random sample of {MAX_ROWS:,}.")
    try:
        queries = typed_queries(model_key, texts)
    except UserError as err:
        st.error(str(err))
        return
    params = lab_form()
    if params is not None:
        run.start(vectors, params, source, queries)
    report = run.finished(source)
    if report is not None:
        results_panel(report)
