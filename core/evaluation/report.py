"""Evaluation results as sections of the audit report (core.audits.report)."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.audits.report import ReportSection
from core.evaluation import classification, compare, retrieval
from core.evaluation.evaluate import LabelEvaluation


def intrinsic_section(table: pd.DataFrame, conventions: Sequence[str], notes: Sequence[str] = ()) -> ReportSection:
    """Word similarity and Lee document correlation, one row per model and set."""
    return ReportSection("Evaluation: word and document similarity", notes=[*conventions, *notes],
                         tables=[("Correlation with human judgements", table)])


def labels_section(ev: LabelEvaluation, *, model: str, label_column: str, cluster_note: str = "") -> ReportSection:
    """Cross-validated accuracy and macro-F1, top confusions and ARI/NMI against the labels."""
    settings = {"model": model, "label column": label_column, "points": len(ev.labels)}
    if ev.clusters:
        settings |= {"ARI (map clusters vs labels)": f"{ev.clusters['ari']:.4f}",
                     "NMI (map clusters vs labels)": f"{ev.clusters['nmi']:.4f}"}
    return ReportSection(f"Evaluation: classification of '{label_column}'", settings=settings,
                         notes=[ev.conventions, *([cluster_note] if cluster_note else [])],
                         tables=[("Accuracy and macro-F1 with 95% fold intervals", ev.summary()),
                                 ("Labels confused most often (logistic regression)",
                                  classification.top_confusions(ev.confusion()))])


def retrieval_section(result: retrieval.RetrievalResult, failed: pd.DataFrame, *, model: str,
                      query_column: str) -> ReportSection:
    figures = pd.DataFrame([result.metrics()])
    return ReportSection(f"Evaluation: retrieval from '{query_column}'", settings={"model": model,
                                                                                   "queries": len(result.ranks)},
                         notes=[retrieval.CONVENTIONS],
                         tables=[("Retrieval figures", figures), ("Failed queries (first 50)", failed.head(50))])


def comparison_section(table: pd.DataFrame, sentences: Sequence[str], *, task: str) -> ReportSection:
    return ReportSection(f"Evaluation: models compared ({task})", notes=[compare.CONVENTIONS, *sentences],
                         tables=[("Models side by side, with bootstrap intervals", table)])
