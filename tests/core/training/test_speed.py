"""Fine-tuning time left: from the pace measured before the run and the run's own steps, without jumps."""
import json
from pathlib import Path

import pytest

from core.jobs import PacedProgress
from core.training import speed
from core.training.settings import TrainParams

RECORDED = Path(__file__).resolve().parents[2] / "support" / "finetune_steps.json"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def replay(step_ends: list[float], expected_step_s: float | None, every: float = 1.0) -> list[tuple[int, float, float]]:
    """The time left a page polling every `every` seconds shows during a run whose steps end at `step_ends`
    (seconds from the start): (steps done, time left shown, time truly left) per poll."""
    clock, total = Clock(), len(step_ends)
    report = PacedProgress(expected_step_s=expected_step_s, clock=clock)
    polls = [every * k for k in range(1, int(step_ends[-1] / every) + 1)]
    events = sorted([(end, False, done) for done, end in enumerate(step_ends, 1)] + [(t, True, 0) for t in polls])
    shown = []
    for moment, is_poll, done in events:
        clock.now = moment
        if not is_poll:
            report.step(done, total)
        elif (left := report.seconds_left()) is not None and report.done < total:
            shown.append((report.done, left, step_ends[-1] - clock.now))
    return shown


def jumps(shown: list[tuple[int, float, float]]) -> list[float]:
    """Ratios between consecutive times left, from the first step on, while they say 10 s or more (a count down
    from 2 s to 1 s halves, as it should)."""
    lefts = [left for _, left, _ in shown]
    return [max(a, b) / min(a, b) for a, b in zip(lefts, lefts[1:]) if min(a, b) >= 10]


def recorded_run() -> dict:
    return json.loads(RECORDED.read_text(encoding="utf-8"))


def test_a_recorded_run_shows_a_time_left_that_does_not_jump_and_follows_its_own_pace():
    run = recorded_run()
    ends = run["step_ends"]
    shown = replay(ends, run["expected_step_s"])
    assert shown and max(jumps(shown)) <= 2.0
    for done, left, _ in shown:  # the machine's load fell mid-run: the truth was unknowable, the pace so far was not
        if done >= 3:  # two steps measured after the first
            so_far = (ends[done - 1] - ends[0]) / (done - 1) * (len(ends) - done)
            assert so_far / 2 <= left <= so_far * 2, (done, round(left), round(so_far))


def test_a_slow_first_step_and_uneven_steps_do_not_make_the_time_left_jump():
    steps = [12.0, 1.0, 3.0, 0.5, 10.0] + [2.5, 1.5, 1.0, 2.0, 1.0, 3.0, 0.5, 6.0] * 4  # warm-up, uneven, stalls
    ends = [sum(steps[:i + 1]) for i in range(len(steps))]
    for expected in (2.0, 0.5, 8.0, None):  # a good, an optimistic, a pessimistic and no measurement beforehand
        shown = replay(ends, expected, every=0.5)
        assert max(jumps(shown)) <= 2.0, expected
        late = [(left, truth) for done, left, truth in shown if done >= len(steps) // 3 and truth >= 10]
        assert all(truth / 2 <= left <= truth * 2 for left, truth in late), expected


def test_the_pace_expected_beforehand_sets_the_time_left_from_the_first_step():
    clock = Clock()
    report = PacedProgress(expected_step_s=2.0, clock=clock)
    assert report.seconds_left() is None  # before the first step
    clock.now = 30.0  # a slow first step: set-up, not the pace
    report.step(1, 11)
    assert report.seconds_left() == pytest.approx(20.0)
    clock.now = 31.0
    assert report.seconds_left() == pytest.approx(19.0)  # counts down while the next step runs
    clock.now = 32.0
    assert report.seconds_left() == pytest.approx(18.0)
    clock.now = 40.0  # a step running 10 s counts as that long already: the pace and the time left grow
    assert report.seconds_left() == pytest.approx(9 * (10.0 + 3 * 2.0) / 4)
    clock.now = 40.0 + 1e-9
    report.step(2, 11)
    assert report.seconds_left() == pytest.approx(9 * (10.0 + 3 * 2.0) / 4)  # no jump when it ends


def test_a_step_takes_the_batch_at_the_measured_pace():
    params = TrainParams(batch_size=32)
    assert speed.step_seconds(params, 16.0) == pytest.approx(2.0)
    assert speed.estimate_seconds(320, params, 16.0) == pytest.approx(20.0 * params.epochs)
