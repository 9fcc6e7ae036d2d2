"""A run in the background: one per session in a slot, its bar with the time left, Cancel, and how it ended.

Each slot names its server-wide worker pool and what it says; training runs share the server's training worker
(one at a time: a run keeps every core busy; the others queue).
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
class RunMessages:
    """What a kind of run says while it waits and when it fails unexpectedly or is cancelled (empty: the reason's
    own words), and the action a read-only server refuses it as (empty: it may run there)."""

    waiting: str
    failed: str
    cancelled: str = ""
    write_action: str = ""


TRAINING_MESSAGES = RunMessages(
    "Waiting for another training run on this server to finish…",
    "Training failed unexpectedly (the server's log says why). Try again, or with other settings.",
    write_action="train models")


@dataclass(frozen=True)
class RunSlot:
    """Where a session keeps its run (`state_key`), what the run is called, its Cancel button's key, the server's
    pool it runs on, and what it says."""

    state_key: str
    title: str
    cancel_key: str
    unit: str = "step"
    pool: Callable[[], JobPool] = training_pool
    messages: RunMessages = TRAINING_MESSAGES

    def job(self) -> Job | None:
        return st.session_state.get(self.state_key)

    def busy(self) -> bool:
        job = self.job()
        return job is not None and not job.done()

    def start(self, work: Callable[[Any], Any], report: JobProgress) -> None:
        """Queue `work(cancel)` on the slot's pool; it reports to `report`. Raises a UserError on a read-only
        server (for runs that need to write), and Busy while this session runs heavy work or the server is at its
        cap."""
        if self.messages.write_action:
            require_write(self.messages.write_action)
        st.session_state[self.state_key] = self.pool().submit(uuid.uuid4().hex, self.title, work, progress=report,
                                                              owner=session_owner())

    def progress_text(self, job: Job) -> str:
        report = job.progress
        if job.started_at is None:
            return self.messages.waiting
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
        self.pool().forget(job.key)
        return _result_or_message(self, job)


@st.fragment(run_every=1.0)
def _job_progress(slot: RunSlot) -> None:
    """The running job's bar with the time left, and Cancel; the whole page reruns once it ends."""
    job = slot.job()
    if job is None or job.done():
        st.rerun(scope="app")
    report = job.progress
    st.progress(min(1.0, report.done / report.total if report.total else 0.0), text=slot.progress_text(job))
    if st.button("Cancel", key=slot.cancel_key):
        slot.pool().cancel(job.key)
        st.caption(f"Stopping after the current {slot.unit}…")


def _result_or_message(slot: RunSlot, job: Job) -> Any:
    error = job.error()
    if error is None:
        return job.result()
    if isinstance(error, Cancelled):
        st.warning(slot.messages.cancelled or str(error))
    elif isinstance(error, UserError):
        st.error(str(error))
    else:
        _log.error("%s failed", slot.title, exc_info=error)
        st.error(slot.messages.failed)
    return None
