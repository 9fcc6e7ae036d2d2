"""The Evaluate page's extrinsic tabs: classification on a label column, retrieval from a query column."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.audits.report import record
from components.data.image_models import is_image_data
from components.downloads import csv_download
from components.evaluation.mistakes import mistakes_table
from components.evaluation.outcome_map import outcome_map, results_store
from components.maps.cluster_panel import saved_cluster_spec
from components.maps.controls import saved_params
from components.maps.progressive import map_state
from components.progress import progress
from components.setting_widgets import setting_widget
from components.state import PRECOMPUTED, DataChoice, persist
from components.tables.labels import vectors_for_label
from core.distances import WHEN_TO_USE
from core.errors import UserError
from core.evaluation import classification, retrieval
from core.evaluation import report as eval_report
from core.evaluation.evaluate import LabelEvaluation, evaluate_labels
from core.evaluation.suite import RetrievalOnData, evaluate_retrieval
from core.indexlab.settings import METRIC
from core.maps.settings import METHOD_LABELS

NONE = "(choose a column)"
HELP_ICON_CHARS = 3  # room a metric's help icon takes, in characters of its label
T = TypeVar("T")
Metric = tuple[str, str, str | None]  # a metric's label, value and help


def _map_clusters(emb: seam.Embedded) -> tuple[np.ndarray | None, str]:
    """The clusters of the current map (the Map page's settings), and a sentence saying which."""
    spec = saved_cluster_spec()
    if spec is None:
        return None, "ARI and NMI need clusters: the Map page's clustering is switched off."
    params = saved_params()
    state = map_state(emb.map_data, params)
    if state.preview:
        return None, (f"ARI and NMI need the Map page's clusters, and its {METHOD_LABELS[params.method]} map "
                      "is still computing (or was cancelled): evaluate again when the map is ready.")
    result = seam.clusters(emb, state.coords, state.params, spec)
    return result.labels, (f"ARI and NMI compare the labels with the Map page's {result.n_clusters} {spec.method} "
                           f"clusters {result.note} (noise counts as one more cluster).")


def run_labels(emb: seam.Embedded, column: str, metric: str = METRIC.default) -> tuple[LabelEvaluation, str]:
    """Cross-validate both classifiers (kNN by `metric`) with a progress bar; ARI/NMI against the map's clusters."""
    clusters, note = _map_clusters(emb)
    vectors, refit = vectors_for_label(emb, column)
    with progress(f"Cross-validating 10-NN ({metric}) and logistic regression on {len(emb.dataset):,} points") as tick:
        ev = evaluate_labels(vectors, emb.dataset.frame[column], clusters=clusters, progress=tick, knn_metric=metric)
    return ev, note if refit is None else f"{refit} {note}"


def show_metrics(metrics: list[Metric]) -> None:
    """Metrics side by side, each column as wide as its label needs, so that no label is cut."""
    widths = [len(label) + (HELP_ICON_CHARS if help_text else 0) for label, _, help_text in metrics]
    for col, (label, value, help_text) in zip(st.columns(widths), metrics):
        col.metric(label, value, help=help_text)


def _accuracy(ev: LabelEvaluation, name: str) -> Metric:
    """A classifier's accuracy, labelled by its short name (the full one, and the interval, in the help)."""
    r = ev.classifiers[name]
    low, high = classification.t_interval(r.fold_accuracy)
    full = ev.classifier_name(name)
    return (f"{full.split(' (')[0]} accuracy", f"{r.accuracy:.1%}",
            f"{full}: 95% interval over the {classification.N_FOLDS} folds, {low:.1%} to {high:.1%}")


def _label_figures(ev: LabelEvaluation) -> None:
    metrics = [_accuracy(ev, "knn"), _accuracy(ev, "logreg"),
               ("Macro-F1 (logistic regression)", f"{ev.classifiers['logreg'].macro_f1:.3f}", None)]
    if ev.clusters:
        metrics += [("ARI (map clusters)", f"{ev.clusters['ari']:.3f}", None),
                    ("NMI (map clusters)", f"{ev.clusters['nmi']:.3f}", None)]
    show_metrics(metrics)


def run_on_click(key: tuple, label: str, button_key: str, run: Callable[[], T]) -> T | None:
    """This session's result for `key`, computed when the button is pressed; None before, or after an error."""
    if st.button(label, key=button_key, type="primary"):
        try:
            results_store()[key] = run()
        except UserError as err:
            st.error(str(err))
            return None
    return results_store().get(key)


def labels_panel(emb: seam.Embedded, choice: DataChoice) -> None:
    """Pick a label column, evaluate, and show the figures, the mistakes on the map and the confusions."""
    options = [NONE, *classification.label_columns(emb.dataset)]
    left, right = st.columns([2, 1])
    column = left.selectbox("Label column", options, **persist("ee_w_eval_label", NONE, options=options),
                            help=f"Any column with 2 to {classification.MAX_LABELS} distinct values, like the map's "
                                 "colour column.")
    with right:
        metric = setting_widget(METRIC, key="ee_w_eval_metric")
    st.caption(f"kNN by {METRIC.choice_label(metric)}: {WHEN_TO_USE[metric]}")
    if column == NONE:
        st.info("Choose the column that holds each row's label (for example a topic or a class).")
        return
    found = run_on_click(("labels", emb.vectors_hash, column, metric), "Evaluate on these labels",
                         "ee_eval_labels_run", lambda: run_labels(emb, column, metric))
    if found is not None:
        _label_results(emb, choice, *found, column)


def _label_results(emb: seam.Embedded, choice: DataChoice, ev: LabelEvaluation, note: str, column: str) -> None:
    _label_figures(ev)
    st.caption(ev.conventions + " " + note)
    st.dataframe(ev.summary(), hide_index=True, width="stretch", key="ee_eval_summary")
    which = st.radio("Mistakes of", list(classification.CLASSIFIERS), format_func=ev.classifier_name,
                     horizontal=True, **persist("ee_w_eval_classifier", "logreg", options=list(classification.CLASSIFIERS)))
    outcome_map(emb, ev.outcome(which), failed=["misclassified"], key="ee_eval_label_map",
                title=f"Out-of-fold predictions of {ev.classifier_name(which)}")
    mistakes_table(emb, ev, which)
    matrix = ev.confusion(which)
    left, right = st.columns(2)
    left.caption("Confusion matrix (rows: true label, columns: predicted)")
    left.dataframe(matrix, width="stretch", key="ee_eval_confusion")
    right.caption("Labels confused most often")
    right.dataframe(classification.top_confusions(matrix), hide_index=True, width="stretch", key="ee_eval_top_conf")
    points = pd.concat([emb.dataset.frame.reset_index(drop=True), ev.per_point().drop(columns="label")], axis=1)
    csv_download(points, "evaluation-predictions.csv", key="ee_eval_points_csv", label="Download predictions (CSV)")
    record("eval_labels", eval_report.labels_section(ev, model=emb.model_label, label_column=column, cluster_note=note))


def retrieval_panel(emb: seam.Embedded, choice: DataChoice) -> None:
    """Pick a query column; each row's query should find that row's text."""
    if is_image_data(emb.dataset):
        st.info("Retrieval ranks each row's text by a query written for it, and pictures have no text: evaluate "
                "them on their labels (the Labels tab), or search them by a picture on the Search page.")
        return
    options = [NONE, *emb.dataset.metadata_columns]
    column = st.selectbox("Query column", options, **persist("ee_w_eval_query", NONE, options=options),
                          help=f"Each row's query should retrieve that row's text ({emb.dataset.text_column}).")
    if column == NONE:
        st.info("Choose the column that holds a query for each row; the row's own text is its right answer.")
        return
    found = run_on_click(("retrieval", emb.vectors_hash, column), "Evaluate retrieval", "ee_eval_retrieval_run",
                         lambda: run_retrieval(emb, choice, column))
    if found is not None:
        _retrieval_results(emb, column, found)


def run_retrieval(emb: seam.Embedded, choice: DataChoice, column: str) -> RetrievalOnData:
    """Embed the queries (the texts' vectors are reused) and rank every text for each."""
    if choice.model == PRECOMPUTED:
        raise UserError("Retrieval needs a model to embed the queries; the data's own vectors cannot. "
                        "Choose a model on the Data page.")
    with progress(f"Embedding {len(emb.dataset):,} queries") as tick:
        return evaluate_retrieval(choice.model, emb.dataset, column, get_embedder=seam.embedder_getter(choice.model),
                                  progress=tick)


def _retrieval_results(emb: seam.Embedded, column: str, found: RetrievalOnData) -> None:
    result, failed = found.result, found.failed
    show_metrics([(name.replace("_at_", "@").replace("_", " "), f"{value:.3f}", None)
                  for name, value in result.metrics().items()])
    st.caption(retrieval.CONVENTIONS)
    outcome_map(emb, retrieval.outcome(result), failed=["missed", f"in the top {retrieval.K}"],
                key="ee_eval_retrieval_map", title="Where each row's query found its text")
    st.caption(f"{len(failed):,} queries did not find their text first:")
    st.dataframe(failed, hide_index=True, width="stretch", key="ee_eval_failed")
    csv_download(failed, "failed-queries.csv", key="ee_eval_failed_csv", label="Download failed queries (CSV)")
    record("eval_retrieval", eval_report.retrieval_section(result, failed, model=emb.model_label, query_column=column))
