"""The lab run in the background (a `RunSlot` on the lab's own worker): its bar with the time left, Cancel, and
its report kept in the session."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components.training.background import RunMessages, RunSlot
from core.indexlab.lab import LabReport, run_lab
from core.indexlab.settings import LabParams
from core.jobs import JobPool, JobProgress

JOB_KEY = "ee_indexlab_job"
SOURCE_KEY = "ee_indexlab_source"
REPORT_KEY = "ee_indexlab_report"


@st.cache_resource(show_spinner=False)
def lab_pool() -> JobPool:
    """The server's index-lab worker: one lab at a time (each keeps the cores busy)."""
    return JobPool(workers=1)


LAB = RunSlot(JOB_KEY, "Index lab", "ee_indexlab_cancel", pool=lab_pool, messages=RunMessages(
    "Waiting for another lab on this server to finish…",
    "The lab failed unexpectedly (the server's log says why). Try again, or with other settings.",
    cancelled="The lab was cancelled; nothing was kept."))


def start(vectors: np.ndarray, params: LabParams, source: tuple, queries: np.ndarray | None = None) -> None:
    """Queue the lab on these vectors (a new run replaces the last), asking `queries` (None: held-out rows);
    `source` (data, vectors hash) labels it."""
    st.session_state.pop(REPORT_KEY, None)
    progress = JobProgress()
    LAB.start(lambda cancel: run_lab(vectors, params, queries=queries, progress=progress, cancel=cancel), progress)
    st.session_state[SOURCE_KEY] = source


def finished(source: tuple) -> LabReport | None:
    """The report of the lab on `source`, once it is done (the bar and Cancel while it runs)."""
    report = st.session_state.get(REPORT_KEY)
    if report is not None and report[1] == source:
        return report[0]
    job = LAB.job()
    if job is None or st.session_state.get(SOURCE_KEY) != source:
        return None
    done = LAB.outcome()
    if job.done():
        del st.session_state[JOB_KEY]
        if done is not None:
            st.session_state[REPORT_KEY] = (done, source)
    return done
