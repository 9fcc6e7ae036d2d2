"""The rows a classifier got wrong, with their pictures, for data that has them."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.maps.images import with_pictures
from core.evaluation.evaluate import LabelEvaluation
from core.maps.thumbnails import has_pictures

MISTAKES_SHOWN = 60


def mistakes_table(emb: seam.Embedded, ev: LabelEvaluation, which: str) -> None:
    """The first MISTAKES_SHOWN misclassified rows: picture, text, label and the prediction (pictures only)."""
    if not has_pictures(emb.dataset):
        return
    wrong = np.flatnonzero(ev.outcome(which) == "misclassified")
    if not len(wrong):
        return
    shown = wrong[:MISTAKES_SHOWN]
    points = ev.per_point()
    table = pd.DataFrame({emb.dataset.text_column: emb.dataset.frame[emb.dataset.text_column].to_numpy()[shown],
                          "label": points["label"].to_numpy()[shown],
                          "predicted": points[f"{which}_prediction"].to_numpy()[shown]})
    table, config = with_pictures(emb, table, shown.tolist())
    st.caption(f"{len(wrong):,} misclassified" + (f"; the first {len(shown)}:" if len(shown) < len(wrong) else ":"))
    st.dataframe(table, hide_index=True, width="stretch", key="ee_eval_mistakes", column_config=config)
