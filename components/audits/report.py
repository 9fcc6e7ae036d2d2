"""The current audit, gathered across the audit pages, and its one-click HTML report."""
from __future__ import annotations

import streamlit as st

from core.audits.report import ReportSection, build_report

SECTIONS = "ee_audit_sections"
ORDER = ("analogy", "benchmark", "weat", "ceat", "direction", "debias", "axes", "eval_intrinsic", "eval_labels",
         "eval_retrieval", "eval_compare", "outliers", "duplicates", "drift")


def record(name: str, section: ReportSection) -> None:
    """Keep the latest result of one part of the audit for the report."""
    st.session_state.setdefault(SECTIONS, {})[name] = section


def current_sections() -> list[ReportSection]:
    found = st.session_state.get(SECTIONS, {})
    return [found[name] for name in sorted(found, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))]


def report_button(*, key: str) -> None:
    """Download every recorded table and figure as one self-contained HTML file."""
    sections = current_sections()
    st.divider()
    if not sections:
        st.caption("Results you compute on the audit pages are gathered into one downloadable HTML report.")
        return
    st.download_button("Download the audit report (HTML)", lambda: build_report(sections).encode("utf-8"),
                       file_name="embedding-audit-report.html", mime="text/html", key=key, type="primary",
                       icon=":material/description:", on_click="ignore")
    st.caption("The report holds: " + "; ".join(s.title for s in sections) +
               ". It opens offline (plotly.js is inside the file).")
