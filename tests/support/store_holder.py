"""A separate process that opens an embedded store, writes a few rows, and keeps it open until told to stop."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOLD_CHILD = """
import sys
import numpy as np
from core.search.store import VectorStore
store = VectorStore.open(sys.argv[1])
vectors = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
store.ingest("held", texts=[f"row {i}" for i in range(20)], vectors=vectors, metadatas=[{"i": i} for i in range(20)],
             model_id="m", model_key="mk", dataset="held")
print("ready", flush=True)
sys.stdin.readline()
"""


def holder_env() -> dict[str, str]:
    """This environment, set up to import the project, with no Chroma server named."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CHROMA_HOST", None)
    env.pop("CHROMA_PORT", None)
    return env


@contextmanager
def holding(path: Path) -> Iterator[subprocess.Popen]:
    """A child process that holds the embedded store at `path` while the block runs; stopped afterwards."""
    err_path = Path(str(path).rstrip("/") + "-holder.err")
    with err_path.open("wb") as err:  # a file, not a pipe: an unread pipe could fill up and stall the child
        proc = subprocess.Popen([sys.executable, "-c", HOLD_CHILD, str(path)], cwd=ROOT, env=holder_env(),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "ready", err_path.read_text()[-3000:]
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Let the holder finish (close its stdin), killing it if it does not within a minute."""
    try:
        proc.stdin.close()
        proc.wait(timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    proc.stdout.close()


def listing(path: Path) -> dict[str, tuple[int, int]]:
    """Every file under `path` with its size and modification time (ns)."""
    return {str(f.relative_to(path)): (f.stat().st_size, f.stat().st_mtime_ns) for f in sorted(path.rglob("*"))
            if f.is_file()}
