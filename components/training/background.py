"""A training run in the background: one per session in a slot, its bar with the time left, Cancel, and how it ended.

Runs share the server's training worker (one at a time: a run keeps every core busy; the others queue).
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.access.policy import require_write, session_owner, work_limit
from components.progress import left_note
from core.errors import Cancelled, UserError
from core.jobs import Job, JobPool, JobProgress

_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def training_pool() -> JobPool:
    """The server's training worker: one run at a time, the others queue (within the server's cap on heavy work)."""
    return JobPool(workers=1, limit=work_limit())


@dataclass(frozen=True)
class RunSlot:
    """Where a session keeps its run (`state_key`), what the run is called, and its Cancel button's key."""

    state_key: str
    title: str
    cancel_key: str
    unit: str = "step"

    def job(self) -> Job | None:
        return st.session_state.get(self.state_key)

    def busy(self) -> bool:
        job = self.job()
        return job is not None and not job.done()

    def start(self, work: Callable[[Any], Any], report: JobProgress) -> None:
        """Queue `work(cancel)` on the server's worker; it reports to `report`. Raises a UserError on a read-only
        server, and Busy while this session runs heavy work or the server is at its cap."""
        require_write("train models")
        st.session_state[self.state_key] = training_pool().submit(uuid.uuid4().hex, self.title, work, progress=report,
                                                                  owner=session_owner())

    def progress_text(self, job: Job) -> str:
        report = job.progress
        if job.started_at is None:
            return "Waiting for another training run on this server to finish…"
        if not report.total:
            return f"{report.phase}…"
        return f"{report.phase}: {self.unit} {report.done:,} of {report.total:,}{left_note(report.seconds_left())}"

    def outcome(self) -> Any:
        """The finished run's result, after saying how it ended (None while running or when it failed)."""
        job = self.job()
        if job is None:
            return None
        if not job.done():
            _job_progress(self)
            return None
        training_pool().forget(job.key)
        return _result_or_message(job)


@st.fragment(run_every=1.0)
def _job_progress(slot: RunSlot) -> None:
    """The running job's bar with the time left, and Cancel; the whole page reruns once it ends."""
    job = slot.job()
    if job is None or job.done():
        st.rerun(scope="app")
    report = job.progress
    st.progress(min(1.0, report.done / report.total if report.total else 0.0), text=slot.progress_text(job))
    if st.button("Cancel", key=slot.cancel_key):
        training_pool().cancel(job.key)
        st.caption(f"Stopping after the current {slot.unit}…")


def _result_or_message(job: Job) -> Any:
    error = job.error()
    if error is None:
        return job.result()
    if isinstance(error, Cancelled):
        st.warning(str(error))
    elif isinstance(error, UserError):
        st.error(str(error))
    else:
        _log.error("Training failed", exc_info=error)
        st.error("Training failed unexpectedly (the server's log says why). Try again, or with other settings.")
    return None
