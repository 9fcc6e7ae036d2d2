"""The on-disk cache every room uses: content hash -> file; load it, or compute and replace it atomically."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

T = TypeVar("T")
Arrays = np.ndarray | dict[str, np.ndarray]


def save_atomically(path: Path, arrays: Arrays) -> None:
    """One array as .npy, or named arrays as .npz, written to a temporary file and renamed into place."""
    tmp = path.with_suffix(".tmp" + path.suffix)
    if isinstance(arrays, dict):
        np.savez(tmp, **arrays)
    else:
        np.save(tmp, arrays, allow_pickle=False)
    tmp.replace(path)  # atomic: a killed process never leaves half a file


def load_arrays(path: Path) -> Arrays:
    """What `save_atomically` wrote (never unpickles)."""
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as saved:
            return {name: saved[name] for name in saved.files}
    return np.load(path, allow_pickle=False)


def load_or_compute(path: Path | None, compute: Callable[[], T], *, to_arrays: Callable[[T], Arrays] = lambda v: v,
                    from_arrays: Callable[[Arrays], T] = lambda a: a) -> T:
    """The value kept at `path`, or `compute()` saved there; `path=None` computes without the cache."""
    if path is not None and path.exists():
        return from_arrays(load_arrays(path))
    value = compute()
    if path is not None:
        save_atomically(path, to_arrays(value))
    return value
