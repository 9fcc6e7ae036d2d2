"""The quality checks as sections of the HTML report (core.audits.report)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from core.audits.report import ReportSection
from core.quality.drift import DriftResult, interpretation
from core.quality.duplicates import DuplicateResult, summary
from core.quality.outliers import OutlierResult
from core.quality.settings import OUTLIER_METHODS

REPORT_ROWS = 20  # rows of each table in the report


def outliers_section(result: OutlierResult, table: pd.DataFrame, *, dataset: str,
                     figure: Any | None = None) -> ReportSection:
    """The most unusual rows, each with its nearest neighbours."""
    return ReportSection(
        "Outliers", settings={"Data": dataset, "Score": OUTLIER_METHODS[result.method], "Neighbours (k)": result.k,
                              "Share flagged": f"{result.contamination:.1%}", "Threshold": f"{result.threshold:.4g}"},
        notes=[f"{int(result.flagged.sum()):,} of {len(result.scores):,} points are flagged; a higher score means "
               f"more unusual."],
        tables=[(f"The {min(REPORT_ROWS, len(table))} most unusual points and their nearest neighbours "
                 "(cosine distance before each)", table.head(REPORT_ROWS))],
        figures=[("The map coloured by outlier score; flagged points ringed", figure)] if figure is not None else [])


def duplicates_section(result: DuplicateResult, pairs: pd.DataFrame, *, dataset: str,
                       figure: Any | None = None) -> ReportSection:
    """Exact repeats, near pairs and groups, with the most similar pairs."""
    counts = summary(result)
    return ReportSection(
        "Near-duplicates", settings={"Data": dataset, "Cosine threshold": result.threshold},
        notes=[f"{counts['exact_duplicates']:,} rows repeat an earlier row's text exactly and "
               f"{counts['exact_vector_duplicates']:,} an earlier row's vector. {counts['pairs']:,} pairs lie at or "
               f"above the threshold, in {counts['groups']:,} groups; keeping one row per group removes "
               f"{counts['removed']:,} rows."],
        tables=[(f"The {min(REPORT_ROWS, len(pairs))} most similar pairs", pairs.head(REPORT_ROWS))],
        figures=[("Duplicate groups on the map, pairs joined by a line", figure)] if figure is not None else [])


def drift_section(result: DriftResult, shift: pd.DataFrame, typical: Sequence[tuple[str, Sequence[str]]], *,
                  sides: tuple[str, str], figure: Any | None = None) -> ReportSection:
    """Both tests, the clusters whose share changed most and the texts most typical of each side."""
    figures = dict(result.as_dict())
    return ReportSection(
        "Drift", settings={"Side A": sides[0], "Side B": sides[1], "Rows": f"{figures['rows_a']:,} and "
                           f"{figures['rows_b']:,}", "Classifier ROC AUC": f"{result.auc:.3f}",
                           "AUC p-value": result.auc_p, "MMD² (RBF, median heuristic)": f"{result.mmd:.4g}",
                           "MMD p-value": result.mmd_p, "Permutations": result.permutations},
        notes=[interpretation(result)],
        tables=[("Clusters whose share changed most", shift.head(REPORT_ROWS)),
                *((f"Most typical of {name}", pd.DataFrame({"text": list(texts)})) for name, texts in typical)],
        figures=[("Both sides on one map", figure)] if figure is not None else [])
