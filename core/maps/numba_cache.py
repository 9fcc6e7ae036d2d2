"""Compile UMAP's and pynndescent's numba kernels once per machine, not once per process.

umap-learn decorates its kernels with `numba.njit(...)` without `cache=True`, so every new process
compiles them again (about 30 s on two cores). `enable()` points numba's on-disk cache at the data
folder (seeded with the kernels `make install` compiled) and makes `cache=True` the default of
`numba.njit`/`numba.jit` for modules imported after it. Kernels numba cannot cache (closures over dynamic
globals) compile as before, silently.
Call it before the first `import umap` or `import pynndescent`.
"""
from __future__ import annotations

import functools
import os
import shutil
import threading
import warnings

from core.paths import data_dir, machine_dir

_LOCK = threading.Lock()
_ENABLED = False


def cache_dir() -> str:
    """The folder numba keeps compiled kernels in (under the data folder); a new one starts with the kernels
    `make install` compiled for this machine, when there are some."""
    folder, machine = data_dir() / "numba", machine_dir() / "numba"
    if not folder.is_dir() and machine.is_dir():
        shutil.copytree(machine, folder, dirs_exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _caching(decorator):
    """`decorator` with cache=True unless the caller says otherwise."""
    @functools.wraps(decorator)
    def wrapper(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return decorator(*args, **kwargs)

    wrapper.__wrapped_by_ee__ = True
    return wrapper


def enable() -> None:
    """Turn on numba's on-disk kernel cache under the data folder (idempotent, thread-safe)."""
    global _ENABLED
    with _LOCK:
        if _ENABLED:
            return
        folder = os.environ.setdefault("NUMBA_CACHE_DIR", cache_dir())
        import numba
        from numba.core import config
        from numba.core.errors import NumbaWarning

        config.CACHE_DIR = folder  # type: ignore[attr-defined]  # numba sets its config names at run time
        for name in ("njit", "jit"):
            current = getattr(numba, name)
            if not getattr(current, "__wrapped_by_ee__", False):
                setattr(numba, name, _caching(current))
        warnings.filterwarnings("ignore", message=r"(?s).*[Cc]annot cache", category=NumbaWarning)
        _ENABLED = True
