"""A progress bar that estimates the time left from the steps done so far."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st


def time_left(elapsed: float, done: int, total: int) -> str:
    """'about N s left' from the pace so far (empty before the first step)."""
    if done <= 0 or done >= total:
        return ""
    seconds = elapsed / done * (total - done)
    return f" · about {seconds:.0f} s left" if seconds < 90 else f" · about {seconds / 60:.0f} min left"


@contextmanager
def progress(text: str) -> Iterator[Callable[[int, int], None]]:
    """`with progress("Cross-validating") as tick: work(progress=tick)`; the bar goes away afterwards."""
    bar = st.progress(0.0, text=f"{text}…")
    start = time.perf_counter()

    def tick(done: int, total: int) -> None:
        bar.progress(min(1.0, done / max(1, total)),
                     text=f"{text}: {done:,} of {total:,}{time_left(time.perf_counter() - start, done, total)}")

    try:
        yield tick
    finally:
        bar.empty()
