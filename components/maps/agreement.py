"""On the Compare page: where two models' out-of-fold predictions of a label agree, on the map."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components import seam
from components.downloads import csv_download
from components.progress import progress
from components.state import persist
from core.errors import UserError
from core.evaluation.classification import label_columns
from core.evaluation.compare import agreement, agreement_table
from core.evaluation.evaluate import evaluate_labels
from core.maps.figure import build_scatter

NONE = "(choose a column)"
OUTCOME = "outcome"


def _predictions(emb: seam.Embedded, column: str, tick) -> np.ndarray:
    return evaluate_labels(emb.dataset.vectors, emb.dataset.frame[column], classifiers=("logreg",),
                           progress=tick).classifiers["logreg"].predictions


def agreement_section(a: seam.Embedded, b: seam.Embedded, coords: np.ndarray, names: tuple[str, str]) -> None:
    """Pick a label column; both models' logistic-regression predictions (same folds), agreement per point."""
    options = [NONE, *label_columns(a.dataset)]
    column = st.selectbox("Per-point agreement on a label column", options,
                          **persist("ee_w_cmp_agree_label", NONE, options=options),
                          help="Both models predict each point's label out of fold (logistic regression, "
                               "stratified 5-fold CV, seed 0); the map shows where they agree.")
    if column == NONE:
        return
    try:
        with progress("Cross-validating both models") as tick:
            first = _predictions(a, column, lambda d, t: tick(d, 2 * t))
            second = _predictions(b, column, lambda d, t: tick(t + d, 2 * t))
    except UserError as err:
        st.error(str(err))
        return
    outcome = agreement(a.dataset.frame[column].astype(str), first, second, names)
    st.dataframe(agreement_table(outcome), hide_index=True, width="stretch", key="ee_cmp_agreement")
    frame = a.dataset.frame.assign(**{OUTCOME: outcome})
    fig = build_scatter(coords, frame, text_column=a.dataset.text_column, color=OUTCOME, height=480,
                        hover_columns=[OUTCOME, column], title=f"Where the two models' predictions of {column} agree")
    st.plotly_chart(fig, key="ee_cmp_agreement_map", config={"displaylogo": False})
    csv_download(frame.assign(**{f"{names[0]} prediction": first, f"{names[1]} prediction": second}),
                 "model-agreement.csv", key="ee_cmp_agreement_csv")
