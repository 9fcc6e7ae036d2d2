"""The limit on heavy work: a room of eight sessions starting jobs at once gets no more than the server's cap
running, each session at most one, and the others told to wait."""
from __future__ import annotations

import threading

import pytest

from core.jobs import Busy, JobPool, WorkLimit

SESSIONS = 8
CAP = 2


def test_the_cap_holds_with_eight_concurrent_sessions():
    limit = WorkLimit(total=CAP)
    pool = JobPool(workers=SESSIONS, limit=limit)  # workers enough for all: only the limit can hold them back
    release, lock, running, peak = threading.Event(), threading.Lock(), [0], [0]

    def work(cancel: threading.Event) -> str:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait()
        with lock:
            running[0] -= 1
        return "done"

    start, outcomes = threading.Barrier(SESSIONS), {}

    def session(i: int) -> None:
        start.wait()  # every session asks at the same moment
        try:
            outcomes[i] = pool.submit(f"run-{i}", "Fine-tuning", work, owner=f"session-{i}")
        except Busy as err:
            outcomes[i] = str(err)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    admitted = [i for i, out in outcomes.items() if not isinstance(out, str)]
    refused = [out for out in outcomes.values() if isinstance(out, str)]
    assert len(admitted) == CAP and limit.running() == CAP
    assert len(refused) == SESSIONS - CAP and all("busy" in text and "try again" in text for text in refused)
    with pytest.raises(Busy, match="^Fine-tuning is still running for you"):
        pool.submit("again", "Fine-tuning", work, owner=f"session-{admitted[0]}")
    release.set()
    assert [outcomes[i].result() for i in admitted] == ["done"] * CAP
    pool.executor.shutdown(wait=True)  # the places are given back as the jobs end
    assert peak[0] == CAP and limit.running() == 0
    limit.acquire(f"session-{refused_index(outcomes)}", "Fine-tuning")  # a session told to wait now gets a place


def refused_index(outcomes: dict) -> int:
    return next(i for i, out in outcomes.items() if isinstance(out, str))


def test_a_session_holds_one_place_at_a_time_and_gets_it_back():
    limit = WorkLimit(total=SESSIONS)
    with limit.slot("s", "Embedding with MiniLM"):
        with pytest.raises(Busy, match="^Embedding with MiniLM is still running for you"):
            limit.acquire("s", "Indexing")
        limit.acquire("other", "Indexing")  # another session is not held back
    assert limit.running() == 1
    limit.release("other")
    with limit.slot("s", "Indexing"):
        assert limit.running() == 1
    assert limit.running() == 0


def test_a_cancelled_job_that_never_started_gives_its_place_back():
    limit, gate = WorkLimit(total=CAP), threading.Event()
    pool = JobPool(workers=1, limit=limit)
    first = pool.submit("a", "Fine-tuning", lambda cancel: gate.wait(), owner="s1")
    pool.submit("b", "Fine-tuning", lambda cancel: "never", owner="s2")  # queued behind the first
    assert limit.running() == 2 and pool.cancel("b")
    assert limit.running() == 1
    gate.set()
    first.result()
    pool.executor.shutdown(wait=True)
    assert limit.running() == 0
