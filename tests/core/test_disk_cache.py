"""The shared disk cache: a hit loads without computing; a miss computes once and saves atomically."""
from pathlib import Path

import numpy as np
import pytest

from core.disk_cache import load_arrays, load_or_compute, save_atomically


def test_miss_computes_and_hit_loads(tmp_path):
    path, calls = tmp_path / "a.npy", []

    def compute():
        calls.append(1)
        return np.arange(4.0)

    first = load_or_compute(path, compute)
    second = load_or_compute(path, compute)
    assert len(calls) == 1
    np.testing.assert_array_equal(first, second)
    assert not list(tmp_path.glob("*.tmp*"))


def test_named_arrays_round_trip_through_npz(tmp_path):
    path = tmp_path / "g.npz"
    save_atomically(path, {"i": np.array([[1, 2]]), "flag": np.asarray(True)})
    out = load_or_compute(path, lambda: None, from_arrays=lambda a: (a["i"].tolist(), bool(a["flag"])))
    assert out == ([[1, 2]], True)


def test_no_path_never_touches_disk(tmp_path):
    assert load_or_compute(None, lambda: 7) == 7
    assert not list(tmp_path.iterdir())


def _write_many(path: str, value: int, start: float) -> None:
    """Write the same key over and over, starting at the same moment as the other writer."""
    import time

    while time.time() < start:
        time.sleep(0.001)
    arrays = {"v": np.full(200_000, value, dtype=np.int64), "n": np.asarray(value)}
    for _ in range(30):
        save_atomically(Path(path), arrays)


def test_two_processes_writing_one_key_leave_one_intact_file(tmp_path, monkeypatch):
    import multiprocessing
    import sys
    import time
    import types

    # the writers need nothing of __main__; an AppTest run earlier in this process may have left a script there
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))

    path = tmp_path / "same-key.npz"
    start = time.time() + 1.0
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=_write_many, args=(str(path), value, start)) for value in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
    assert [w.exitcode for w in writers] == [0, 0]
    saved = load_or_compute(path, lambda: None)
    assert int(saved["n"]) in (1, 2) and (saved["v"] == saved["n"]).all()  # whole, and from one writer
    assert [p.name for p in tmp_path.iterdir()] == ["same-key.npz"]  # no temporary file left behind


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary_one(tmp_path):
    import pytest

    class Unsaveable:
        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("cannot be an array")

    with pytest.raises(RuntimeError):
        save_atomically(tmp_path / "x.npz", {"bad": Unsaveable()})
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("damage", [b"", b"not an array", b"PK\x03\x04 truncated zip"])
def test_a_damaged_entry_is_computed_again_and_replaced(tmp_path, damage):
    path = tmp_path / "entry.npz"
    path.write_bytes(damage)
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"a": np.arange(3)}

    load_or_compute(path, compute)
    assert calls == [1]
    assert np.array_equal(load_arrays(path)["a"], np.arange(3))  # replaced by a whole entry
