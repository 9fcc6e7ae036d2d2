"""The memo computes a missing key once, however many sessions ask at the same moment."""
import threading
import time

from core.memo import Memo


def test_concurrent_misses_of_one_key_compute_once():
    memo, calls, release = Memo(4), [], threading.Event()

    def make():
        calls.append(1)
        release.wait(10)
        return "value"

    results = []
    threads = [threading.Thread(target=lambda: results.append(memo.get_or_make("k", make))) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)  # let every thread reach the memo before the one computation finishes
    release.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1
    assert results == ["value"] * 4


def test_failed_computation_is_not_cached_and_can_be_retried():
    memo = Memo(2)

    def boom():
        raise RuntimeError("no")

    try:
        memo.get_or_make("k", boom)
    except RuntimeError:
        pass
    assert "k" not in memo and not memo.making
    assert memo.get_or_make("k", lambda: 3) == 3


def test_lru_evicts_oldest():
    memo = Memo(2)
    for key in "abc":
        memo.get_or_make(key, lambda key=key: key)
    assert "a" not in memo and "b" in memo and "c" in memo


def test_a_computation_may_store_its_own_key_without_deadlock():
    memo = Memo(2)

    def make():
        memo.put("k", "by-product")
        return "result"

    worker = threading.Thread(target=lambda: memo.get_or_make("k", make), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    assert memo.get_or_make("k", lambda: "other") == "result"
