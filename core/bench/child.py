"""Fresh interpreters for the bench: each runs on a data folder of its own and answers on its stdout."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.paths import PROJECT_ROOT


def peak_rss_mb() -> float:
    """This process's own peak resident memory (MB): the high-water mark of its memory since it started.

    Not `resource.getrusage(...).ru_maxrss`: on Linux a child starts from its forking parent's peak, so a bench
    run that has grown would be charged to every section's fresh process."""
    status = Path("/proc/self/status")
    if status.exists():
        line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    import resource  # no /proc: the best this platform offers
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args: Sequence[str], data_dir: Path, label: str, *, own_kernels: bool = True) -> list[str]:
    """The stdout lines of `python ARGS`, run from the project root with `data_dir` as its data folder; raises with
    the tail of its output when it fails or prints nothing.

    `own_kernels`: the child keeps its numba kernels (and its ONNX models) in that folder, so it compiles and
    builds them as a new machine does; otherwise it shares this process's kernel cache, when this process has
    one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, EE_DATA_DIR=str(data_dir))
    if own_kernels:  # neither the kernels nor the model `make install` built for this machine
        env.pop("NUMBA_CACHE_DIR", None)
        env["EE_MACHINE_DIR"] = str(data_dir / "machine")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    proc = subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"{label} child failed (exit {proc.returncode}):\n{tail}")
    return lines


def json_child(args: Sequence[str], workdir: Path, label: str, *, own_kernels: bool = True) -> dict[str, Any]:
    """The JSON object on the last stdout line of `python ARGS`, run on the data folder `workdir/LABEL-data`."""
    return json.loads(run_child(args, workdir / f"{label}-data", label, own_kernels=own_kernels)[-1])
