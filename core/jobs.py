"""Background jobs on a bounded worker pool, keyed so that callers asking for the same work share one job.

A job's function receives a `threading.Event`; it checks it between steps and raises `Cancelled`
when it is set, so a cancelled job stops at the next step and writes nothing it has not finished.
A job that reports its progress (`JobProgress`) tells its phase, its steps and the time left.
Heavy work is bounded by a `WorkLimit`: one heavy job per session, and a cap on them across the server.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from core.errors import Cancelled, UserError

DEFAULT_HEAVY_JOBS = 2  # heavy jobs at once across the server (EE_HEAVY_JOBS): each keeps a core busy


def seconds_left(elapsed: float, done: int, total: int) -> float | None:
    """Seconds still to go at the pace of the steps so far (`elapsed` seconds for `done` of `total`);
    None before the first step."""
    if done <= 0 or total <= 0:
        return None
    return elapsed / done * max(total - done, 0)


@dataclass
class JobProgress:
    """What a running job reports: its phase and its steps done of total, which give the time left."""

    phase: str = "Starting"
    done: int = 0
    total: int = 0
    steps_started: float | None = None

    def status(self, phase: str) -> None:
        self.phase = phase

    def step(self, done: int, total: int) -> None:
        if self.steps_started is None:
            self.steps_started = time.monotonic()
        self.done, self.total = done, total

    def seconds_left(self) -> float | None:
        """From the pace of the steps so far; None before the first step."""
        if self.steps_started is None:
            return None
        return seconds_left(time.monotonic() - self.steps_started, self.done, self.total)


PRIOR_STEPS = 3.0  # the pace expected beforehand weighs as much as this many measured steps


@dataclass
class PacedProgress(JobProgress):
    """Progress whose time left moves smoothly: the pace of the steps after the first (which pays the set-up),
    blended with the pace expected beforehand (`expected_step_s`, seconds per step), counting down while a step runs.
    """

    expected_step_s: float | None = None
    clock: Callable[[], float] = time.monotonic
    first_step: tuple[float, int] | None = None  # when the first reported step ended, and the steps done by then
    last_step_at: float | None = None

    def step(self, done: int, total: int) -> None:
        now = self.clock()
        if self.first_step is None:
            self.first_step = (now, done)
        self.last_step_at = now
        super().step(done, total)

    def pace(self, seconds: float, steps: int) -> float | None:
        """Seconds per step from `steps` measured steps of `seconds` in all, blended with the expected pace."""
        if self.expected_step_s is None:
            return seconds / steps if steps > 0 else None
        return (seconds + PRIOR_STEPS * self.expected_step_s) / (steps + PRIOR_STEPS)

    def seconds_left(self) -> float | None:
        """The steps to go at the blended pace, less the time the running step has run; a step that runs longer
        than the pace counts as that long already, so the time left grows smoothly instead of jumping at its end."""
        if self.first_step is None or self.last_step_at is None:
            return None
        remaining = max(self.total - self.done, 0)
        measured, seconds = self.done - self.first_step[1], self.last_step_at - self.first_step[0]
        running = self.clock() - self.last_step_at
        pace = self.pace(seconds, measured)
        if pace is None:
            return None
        if not remaining:
            return 0.0
        if running <= pace:
            return max(remaining * pace - running, 1.0)
        stretched = self.pace(seconds + running, measured + 1) or pace
        return max((remaining - 1) * stretched, 1.0)


@dataclass
class Job:
    """One piece of background work: its future, its cancel flag, when it started running and its progress."""

    key: Hashable
    label: str
    future: Future
    cancel_event: threading.Event = field(default_factory=threading.Event)
    queued_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    progress: JobProgress = field(default_factory=JobProgress)

    def done(self) -> bool:
        return self.future.done()

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def running_s(self) -> float:
        """Seconds it has been running (0 while it waits for a worker)."""
        return 0.0 if self.started_at is None else time.monotonic() - self.started_at

    def result(self, timeout: float | None = None) -> Any:
        return self.future.result(timeout)

    def error(self) -> BaseException | None:
        """What ended the finished job, when it did not succeed (None while it runs, and after a success)."""
        if not self.done():
            return None
        if self.future.cancelled():
            return Cancelled("The job was cancelled before it started.")
        return self.future.exception()


def check(cancel: threading.Event | None) -> None:
    """Raise Cancelled when `cancel` is set (call between steps)."""
    if cancel is not None and cancel.is_set():
        raise Cancelled("The job was cancelled.")


class Busy(UserError):
    """Heavy work refused for now: the session has one running, or the server is at its cap."""


def heavy_job_cap() -> int:
    """How many heavy jobs may run at once on this server: EE_HEAVY_JOBS, else DEFAULT_HEAVY_JOBS."""
    try:
        return max(1, int(os.environ.get("EE_HEAVY_JOBS") or DEFAULT_HEAVY_JOBS))
    except ValueError:
        return DEFAULT_HEAVY_JOBS


class WorkLimit:
    """Admission for heavy jobs: at most `total` at once across the server, and one per session (`owner`)."""

    def __init__(self, total: int | None = None) -> None:
        self.total = heavy_job_cap() if total is None else total
        self.holders: dict[Hashable, str] = {}  # owner -> label of the heavy job it holds
        self.lock = threading.Lock()

    def acquire(self, owner: Hashable, label: str) -> None:
        """Take a place for `owner`'s job, or raise Busy saying why it must wait."""
        with self.lock:
            if owner in self.holders:
                raise Busy(f"{self.holders[owner]} is still running for you; wait for it to finish, or stop it, "
                           "before starting more work.")
            if len(self.holders) >= self.total:
                raise Busy(f"This server is busy with {self.total} heavy job(s) for other visitors; try again in "
                           "a minute.")
            self.holders[owner] = label

    def release(self, owner: Hashable) -> None:
        with self.lock:
            self.holders.pop(owner, None)

    def running(self) -> int:
        """How many places are taken now."""
        with self.lock:
            return len(self.holders)

    @contextmanager
    def slot(self, owner: Hashable, label: str) -> Iterator[None]:
        """Hold a place while the block runs (raises Busy before it runs when there is none)."""
        self.acquire(owner, label)
        try:
            yield
        finally:
            self.release(owner)


def _reusable(job: Job) -> bool:
    """Whether a caller may wait on this job: not cancelled, and not failed."""
    if job.cancelled() or job.future.cancelled():
        return False
    return not job.done() or job.future.exception() is None


class JobPool:
    """A few worker threads; `submit` returns the running job for a key instead of starting it twice.

    With a `limit`, a new job of an `owner` takes one of its places from queued to finished (or raises Busy).
    """

    def __init__(self, workers: int = 1, *, limit: WorkLimit | None = None) -> None:
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ee-job")
        self.jobs: dict[Hashable, Job] = {}
        self.lock = threading.Lock()
        self.limit = limit

    def submit(self, key: Hashable, label: str, work: Callable[[threading.Event], Any], *,
               progress: JobProgress | None = None, owner: Hashable | None = None) -> Job:
        """The job for `key`: the one already queued or running, else a new one running `work(cancel)`.

        `progress` is what `work` reports to, read back as the job's `progress`.
        """
        with self.lock:
            job = self.jobs.get(key)
            if job is not None and _reusable(job):
                return job
            limit = self.limit if owner is not None else None
            if limit is not None:
                limit.acquire(owner, label)
            job = Job(key, label, Future(), progress=progress or JobProgress())
            job.future = self.executor.submit(self._run, job, work)
            if limit is not None:
                job.future.add_done_callback(lambda _: limit.release(owner))
            self.jobs[key] = job
            return job

    def _run(self, job: Job, work: Callable[[threading.Event], Any]) -> Any:
        job.started_at = time.monotonic()
        check(job.cancel_event)
        return work(job.cancel_event)

    def get(self, key: Hashable) -> Job | None:
        with self.lock:
            return self.jobs.get(key)

    def cancel(self, key: Hashable) -> bool:
        """Ask the job for `key` to stop; True when there was one still unfinished."""
        with self.lock:
            job = self.jobs.pop(key, None)
        if job is None or job.done():
            return False
        job.cancel_event.set()
        job.future.cancel()  # stops it outright if it has not started
        return True

    def forget(self, key: Hashable) -> None:
        """Drop a finished job (its result has been kept elsewhere)."""
        with self.lock:
            job = self.jobs.get(key)
            if job is not None and job.done():
                del self.jobs[key]
