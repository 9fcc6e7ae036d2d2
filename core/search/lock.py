"""One process per embedded Chroma folder: an OS advisory lock on `FOLDER/.lock`, held until the process ends.

The lock is `fcntl.flock`, so the operating system drops it when the holder exits or is killed: a crash
never leaves a stale lock. The file records who holds it so that a second process can say so. Where
`fcntl` is missing (Windows) no lock is taken.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from core.errors import UserError

LOCK_NAME = ".lock"
COMMAND_CHARS = 80

_held: dict[str, int] = {}
_guard = threading.Lock()


class StoreInUseError(UserError):
    """The embedded store is already open in another process."""


def lock_store(folder: Path) -> None:
    """Hold the lock on the embedded store at `folder` for the rest of this process; StoreInUseError if taken.

    Opening the same folder again in this process is fine. Nothing is written unless the lock is won.
    """
    if fcntl is None:
        return
    key = os.path.realpath(folder)
    with _guard:
        if key in _held:
            if _still_there(_held[key], Path(key) / LOCK_NAME):
                return
            os.close(_held.pop(key))
        _held[key] = _take(Path(key) / LOCK_NAME, folder)


def _take(lock_file: Path, folder: Path) -> int:
    """The open lock file, locked and naming this process; StoreInUseError naming the holder if taken."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = _read_holder(fd)
        os.close(fd)
        raise StoreInUseError(in_use_message(folder, holder)) from None
    _write_holder(fd)
    return fd


def _still_there(fd: int, lock_file: Path) -> bool:
    """Whether the lock file this process holds is still the one at `lock_file` (not deleted or replaced)."""
    try:
        held, current = os.fstat(fd), os.stat(lock_file)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)


def holder_info() -> dict[str, Any]:
    """Who this process is: pid, command line, host and the time the lock was taken."""
    return {"pid": os.getpid(), "command": command_line(), "host": socket.gethostname(), "since": time.time()}


def command_line() -> str:
    """This process's command as a user typed it, e.g. `streamlit run app.py` or `python -m core index x.csv`."""
    argv = list(getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv])
    bin_dir = Path(sys.executable).parent
    if len(argv) > 1 and Path(argv[1]).parent == bin_dir and not argv[1].startswith("-"):
        argv = argv[1:]
    text = " ".join(" ".join([Path(argv[0]).name, *argv[1:]]).split())
    return text if len(text) <= COMMAND_CHARS else text[:COMMAND_CHARS - 1] + "…"


def in_use_message(folder: Path, holder: dict[str, Any]) -> str:
    """The sentence a second process shows: who holds the store, and how to share it through a server."""
    return (f"The store at {folder} is in use by {_describe(holder)}. Only one process can open an embedded "
            "Chroma store at a time: stop that process, or run a Chroma server "
            f"(`chroma run --path {folder} --host 127.0.0.1 --port 8000`) and set CHROMA_HOST=127.0.0.1 and "
            "CHROMA_PORT=8000 for both.")


def _describe(holder: dict[str, Any]) -> str:
    """`process 12345 (python -m core index …, since 14:02)`, with what the lock file tells."""
    if "pid" not in holder:
        return "another process"
    details = [str(holder["command"])] if holder.get("command") else []
    if isinstance(holder.get("since"), (int, float)):
        details.append(f"since {_when(holder['since'])}")
    host = holder.get("host")
    where = f" on {host}" if host and host != socket.gethostname() else ""
    return f"process {holder['pid']}{where}" + (f" ({', '.join(details)})" if details else "")


def _when(stamp: float) -> str:
    """HH:MM for today, else the date and time."""
    moment = datetime.fromtimestamp(stamp)
    return moment.strftime("%H:%M" if moment.date() == datetime.now().date() else "%Y-%m-%d %H:%M")


def _read_holder(fd: int) -> dict[str, Any]:
    """The holder recorded in the lock file; {} when it is empty or unreadable."""
    try:
        data = os.pread(fd, 64 * 1024, 0)
        holder = json.loads(data.decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _write_holder(fd: int) -> None:
    """Record this process in the lock file it holds."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder_info()).encode("utf-8"), 0)
