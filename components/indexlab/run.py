"""The lab run in the background: its bar with the time left, Cancel, and its report kept in the session."""
from __future__ import annotations

import logging
import uuid

import numpy as np
import streamlit as st

from components.progress import left_note
from core.errors import Cancelled, UserError
from core.indexlab.lab import LabReport, run_lab
from core.indexlab.settings import LabParams
from core.jobs import Job, JobPool, JobProgress

_log = logging.getLogger(__name__)
JOB_KEY = "ee_indexlab_job"
REPORT_KEY = "ee_indexlab_report"


@st.cache_resource(show_spinner=False)
def lab_pool() -> JobPool:
    """The server's index-lab worker: one lab at a time (each keeps the cores busy)."""
    return JobPool(workers=1)


def start(vectors: np.ndarray, params: LabParams, source: tuple, queries: np.ndarray | None = None) -> None:
    """Queue the lab on these vectors (a new run replaces the last), asking `queries` (None: held-out rows);
    `source` (data, vectors hash) labels it."""
    st.session_state.pop(REPORT_KEY, None)
    progress = JobProgress()
    job = lab_pool().submit(uuid.uuid4().hex, "Index lab",
                            lambda cancel: run_lab(vectors, params, queries=queries, progress=progress,
                                                   cancel=cancel),
                            progress=progress)
    st.session_state[JOB_KEY] = (job, source)


def finished(source: tuple) -> LabReport | None:
    """The report of the lab on `source`, once it is done (the bar and Cancel while it runs)."""
    report = st.session_state.get(REPORT_KEY)
    if report is not None and report[1] == source:
        return report[0]
    held = st.session_state.get(JOB_KEY)
    if held is None or held[1] != source:
        return None
    job = held[0]
    if not job.done():
        _running()
        return None
    del st.session_state[JOB_KEY]
    lab_pool().forget(job.key)
    done = _result_or_message(job)
    if done is not None:
        st.session_state[REPORT_KEY] = (done, source)
    return done


def _text(job: Job) -> str:
    report = job.progress
    if job.started_at is None:
        return "Waiting for another lab on this server to finish…"
    if not report.total:
        return f"{report.phase}…"
    return f"{report.phase} (step {report.done + 1} of {report.total}){left_note(report.seconds_left())}"


@st.fragment(run_every=1.0)
def _running() -> None:
    """The running lab's bar with the time left, and Cancel; the page reruns once it ends."""
    held = st.session_state.get(JOB_KEY)
    if held is None or held[0].done():
        st.rerun(scope="app")
    job = held[0]
    st.progress(min(1.0, job.progress.done / job.progress.total if job.progress.total else 0.0), text=_text(job))
    if st.button("Cancel", key="ee_indexlab_cancel"):
        lab_pool().cancel(job.key)
        st.caption("Stopping after the current step…")


def _result_or_message(job: Job) -> LabReport | None:
    error = job.error()
    if error is None:
        return job.result()
    if isinstance(error, Cancelled):
        st.warning("The lab was cancelled; nothing was kept.")
    elif isinstance(error, UserError):
        st.error(str(error))
    else:
        _log.error("The index lab failed", exc_info=error)
        st.error("The lab failed unexpectedly (the server's log says why). Try again, or with other settings.")
    return None
