"""After fine-tuning: retrieval before and after, the aligned maps, the points that moved most, WEAT/SEAT."""
from __future__ import annotations

import json
import logging
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from components.downloads import csv_download
from components.maps.controls import method_picker
from components.maps.progressive import ready_projection
from components.state import active_choice, set_active_choice
from core.errors import UserError
from core.evaluation import retrieval
from core.maps.service import MapData
from core.maps.settings import ProjectionParams
from core.training import heldout, space
from core.training.run import FinetuneResult, run_summary

_log = logging.getLogger(__name__)
TOP_MOVERS = 15
WEAT = "ee_ft_weat"
RUNS = "ee_ft_runs"


def build_moved_maps(before: np.ndarray, after: np.ndarray, texts: list[str], moved: np.ndarray,
                     top: list[int]) -> go.Figure:
    """Two WebGL scatters, before and after (aligned), coloured by how much each point's neighbours changed."""
    fig = make_subplots(1, 2, subplot_titles=("Before (base model)", "After (fine-tuned, aligned)"),
                        shared_xaxes=True, shared_yaxes=True)
    hover = [t[:120] for t in texts]
    for col, xy in ((1, before), (2, after)):
        fig.add_trace(go.Scattergl(x=xy[:, 0], y=xy[:, 1], mode="markers", text=hover, hoverinfo="text",
                                   name="held-out texts", showlegend=False,
                                   marker={"size": 6, "color": moved, "colorscale": "Viridis", "cmin": 0, "cmax": 1,
                                           "showscale": col == 2, "colorbar": {"title": "neighbours changed"}}),
                      row=1, col=col)
        fig.add_trace(go.Scattergl(x=xy[top, 0], y=xy[top, 1], mode="markers", name="moved most",
                                   text=[hover[i] for i in top], hoverinfo="text", showlegend=col == 1,
                                   marker={"size": 11, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "red"}}),
                      row=1, col=col)
    fig.update_layout(height=520, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def _figures(result: FinetuneResult) -> None:
    before, after = result.before.metrics(), result.after.metrics()
    names = list(after)
    for col, name in zip(st.columns(len(names)) if names else [], names):
        col.metric(f"{name.replace('_at_', '@').replace('_', ' ')} after", f"{after[name]:.3f}",
                   delta=f"{after[name] - before[name]:+.3f} (before {before[name]:.3f})")
    st.caption(_counts(result) + f" {heldout.CONVENTIONS} {retrieval.CONVENTIONS}")


def _counts(result: FinetuneResult) -> str:
    """On how many held-out pairs each figure is measured."""
    held = f"{len(result.held):,} held-out pairs"
    if result.after.spearman is None and result.held.scores is None:
        return f"On {held}."
    rank = (f"retrieval on the {result.after.retrieval_pairs:,} scoring at least {heldout.POSITIVE_SCORE}"
            if result.after.retrieval is not None else "too few positives for retrieval")
    rho = "Spearman on all of them" if result.after.spearman is not None else "too few distinct scores for Spearman"
    return f"Of {held}: {rank}; {rho}."


def _maps(result: FinetuneResult) -> None:
    method = method_picker(key="ee_w_ft_method", label="Map method", default="pca")
    params = ProjectionParams(method=method, n_neighbors=min(15, len(result.held_texts) - 1))
    maps = [ready_projection(MapData.of(vectors, result.held_texts), params, key=f"ee_ft_{side}", what="The map")
            for side, vectors in (("before", result.held_before), ("after", result.held_after))]
    if maps[0] is None or maps[1] is None:
        return
    map_before, map_after = maps[0], space.align(maps[0], maps[1])
    table = space.movement(result.held_texts, result.held_before, result.held_after, map_before, map_after)
    order = {t: i for i, t in enumerate(result.held_texts)}
    moved = np.zeros(len(result.held_texts))
    moved[[order[t] for t in table["text"]]] = table["moved"].to_numpy()
    top = [order[t] for t in table["text"].head(TOP_MOVERS)]
    st.plotly_chart(build_moved_maps(map_before, map_after, result.held_texts, moved, top), key="ee_ft_maps")
    st.caption(space.CONVENTIONS)
    st.subheader("The points that moved most")
    st.dataframe(table.head(50), hide_index=True, width="stretch", key="ee_ft_movers")
    csv_download(table, "finetune-movement.csv", key="ee_ft_movement_csv")


def _weat(result: FinetuneResult) -> None:
    base = result.card["base_model"]["key"]
    if st.button("Compare WEAT/SEAT effect sizes before and after", key="ee_ft_weat_run"):
        try:
            with st.spinner("Embedding the WEAT words in templates with both models…"):
                st.session_state[WEAT] = (result.key, space.weat_before_after(base, result.key))
        except UserError as err:
            st.error(str(err))
    stored = st.session_state.get(WEAT)
    if stored and stored[0] == result.key:
        st.dataframe(stored[1], hide_index=True, width="stretch", key="ee_ft_weat_table")
        st.caption("Caliskan et al. (2017) tests 1-10 as SEAT (each word in 'This is [word].', 'That is [word].', "
                   "'Here is [word].'); d is the effect size, p the one-sided permutation p-value.")


def _runs_table(result: FinetuneResult) -> None:
    """This session's runs side by side (full fine-tuning against LoRA, one loss against another)."""
    runs = st.session_state.setdefault(RUNS, {})
    runs[result.key] = run_summary(result)
    if len(runs) > 1:
        st.caption("Your runs in this session: time, folder size and held-out retrieval, side by side.")
        st.dataframe(pd.DataFrame(list(runs.values())), hide_index=True, key="ee_ft_runs")
    else:
        st.caption("Train again with another loss or a LoRA rank to compare the runs side by side here.")


def results_panel(result: FinetuneResult) -> None:
    """Everything a finished run shows."""
    _log.info("Fine-tuned model saved to %s", result.folder)
    st.success(f"Saved {result.card['title']}. The Data page offers it among the models.")
    _figures(result)
    if st.button("Use the fine-tuned model for this data", key="ee_ft_use"):
        set_active_choice(replace(active_choice(), model=result.key))
        st.toast("The map, search and audits now use the fine-tuned model.")
    _runs_table(result)
    with st.expander("Model card"):
        st.code(json.dumps(result.card, indent=2, ensure_ascii=False), language="json")
    if len(result.held_texts) >= 4:
        _maps(result)
    _weat(result)
