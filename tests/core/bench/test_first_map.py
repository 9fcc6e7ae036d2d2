"""The first_map bench's pieces that need no server: waiting on a page, and its children's machine folder."""
from __future__ import annotations

import pytest

from core.bench import first_map
from core.bench.child import run_child


class FakePage:
    """Answers a script with nothing `ready_after` times, failing once on the way (a page mid-navigation)."""

    def __init__(self, ready_after: int) -> None:
        self.calls, self.ready_after = 0, ready_after

    def evaluate(self, script: str):
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("Execution context was destroyed")
        return {"points": 5, "title": "UMAP of x"} if self.calls > self.ready_after else False


def test_waiting_for_a_map_reads_its_title_once_drawn(monkeypatch):
    monkeypatch.setattr(first_map, "POLL_S", 0.0)
    page = FakePage(ready_after=3)
    seconds, title = first_map._wait_for(page, "script", first_map.time.perf_counter())
    assert title == "UMAP of x" and page.calls == 4 and seconds >= 0


def test_a_map_never_drawn_is_an_error(monkeypatch):
    monkeypatch.setattr(first_map, "POLL_S", 0.0)
    monkeypatch.setattr(first_map, "MAP_TIMEOUT_S", 0.0)
    with pytest.raises(RuntimeError, match="no map was drawn"):
        first_map._wait_for(FakePage(ready_after=10**9), "script", first_map.time.perf_counter())


def test_a_child_with_its_own_kernels_finds_nothing_built_for_this_machine(tmp_path):
    code = "import os; print(os.environ['EE_MACHINE_DIR']); print(os.environ.get('NUMBA_CACHE_DIR'))"
    assert run_child(["-c", code], tmp_path / "data", "env") == [str(tmp_path / "data" / "machine"), "None"]
