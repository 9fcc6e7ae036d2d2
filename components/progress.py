"""Progress bars that estimate the time left from the pace so far: the one helper every long job uses."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from core.jobs import seconds_left

Tick = Callable[[int, int], None]


def duration(seconds: float) -> str:
    """'45 s', '12 min', '2.5 h': a readable length of time."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def left_note(seconds: float | None) -> str:
    """' · about N s left' (empty without an estimate, and when nothing is left)."""
    return f" · about {duration(seconds)} left" if seconds else ""


def bar_ticker(bar, text: str, *, unit: str = "") -> Tick:
    """A `tick(done, total)` that moves `bar` and says how much is left; the clock starts now."""
    start = time.perf_counter()
    unit = f" {unit}" if unit else ""

    def tick(done: int, total: int) -> None:
        left = left_note(seconds_left(time.perf_counter() - start, done, total))
        bar.progress(min(1.0, done / max(1, total)), text=f"{text}: {done:,} of {total:,}{unit}{left}")

    return tick


@contextmanager
def progress(text: str, *, unit: str = "") -> Iterator[Tick]:
    """`with progress("Cross-validating") as tick: work(progress=tick)`; the bar goes away afterwards."""
    bar = st.progress(0.0, text=f"{text}…")
    try:
        yield bar_ticker(bar, text, unit=unit)
    finally:
        bar.empty()
