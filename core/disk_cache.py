"""The on-disk cache every room uses: content hash -> file; load it, or compute and replace it atomically."""
from __future__ import annotations

import logging
import os
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np

T = TypeVar("T")
log = logging.getLogger(__name__)
UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)  # a damaged or foreign file
Arrays = np.ndarray | dict[str, np.ndarray]


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """`write(file)` into a temporary file of its own, then renamed into place.

    The temporary name is unique to this write, so processes writing the same key at once never share a
    file; the rename is atomic, so a reader sees a whole file (the last one renamed) and never half of one.
    """
    tmp = path.with_name(f"{path.stem}.{os.getpid()}-{uuid.uuid4().hex}.tmp{path.suffix}")
    try:
        with open(tmp, "wb") as out:
            write(out)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_atomically(path: Path, arrays: Arrays) -> None:
    """One array as .npy, or named arrays as .npz, written atomically (`write_atomically`)."""
    def write(out: BinaryIO) -> None:
        if isinstance(arrays, dict):
            np.savez(out, allow_pickle=False, **arrays)
        else:
            np.save(out, arrays, allow_pickle=False)

    write_atomically(path, write)


def load_arrays(path: Path) -> Arrays:
    """What `save_atomically` wrote (never unpickles)."""
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as saved:
            return {name: saved[name] for name in saved.files}
    return np.load(path, allow_pickle=False)


def _as_is(value: Any) -> Any:
    return value


def single(arrays: Arrays) -> np.ndarray:
    """The one array of a .npy entry."""
    if isinstance(arrays, dict):
        raise TypeError("expected one array, found named arrays")
    return arrays


def load_or_compute(path: Path | None, compute: Callable[[], T], *, to_arrays: Callable[[T], Arrays] = _as_is,
                    from_arrays: Callable[[Arrays], T] = _as_is) -> T:
    """The value kept at `path`, or `compute()` saved there; `path=None` computes without the cache, and a None
    value (nothing to keep) is returned without being saved."""
    if path is not None and path.exists():
        try:
            return from_arrays(load_arrays(path))
        except UNREADABLE as err:  # every entry can be computed again: a damaged one is replaced, never fatal
            log.warning("The cache entry %s could not be read (%s); computing it again.", path.name, err)
    value = compute()
    if path is not None and value is not None:
        save_atomically(path, to_arrays(value))
    return value
