"""The metric the Search page's exact results are ranked by, and their score column, named for it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.setting_widgets import setting_widget
from core.distances import SCORE_NAMES, WHEN_TO_USE
from core.indexlab.settings import METRIC
from core.search.exact import SAME_RANKS
from core.search.results import named_scores

PICKER_KEY = "ee_w_search_exact_metric"


def exact_metric_picker(space: str) -> str | None:
    """The metric exact search ranks by (the one the collection's `space` ranks as, until another is picked);
    None when it ranks as the collection's own index."""
    metric = METRIC.cast(setting_widget(METRIC, key=PICKER_KEY, label="Exact results ranked by",
                                        default=SAME_RANKS.get(space, METRIC.default)))
    if SAME_RANKS.get(space) == metric:
        return None
    st.caption(f"{METRIC.choice_label(metric)}: {WHEN_TO_USE[metric]} Chroma's index ranks by {space} only, so "
               "exact search answers.")
    return metric


def scored_table(hits: pd.DataFrame, metric: str | None, space: str) -> tuple[pd.DataFrame, str, dict]:
    """(the hits with their score column, its name, its column config): the metric's own score, named for it,
    when exact search ranked by another metric than the collection's; else the store's distance, saying so."""
    if metric is None:
        return hits, "distance", {"distance": st.column_config.NumberColumn(f"{space} distance (the store's)",
                                                                             format="%.4f")}
    name = SCORE_NAMES[metric]
    return named_scores(hits, metric), name, {name: st.column_config.NumberColumn(format="%.4f")}
