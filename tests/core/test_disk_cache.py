"""The shared disk cache: a hit loads without computing; a miss computes once and saves atomically."""
import numpy as np

from core.disk_cache import load_or_compute, save_atomically


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
