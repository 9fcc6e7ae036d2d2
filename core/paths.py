"""Where the app keeps its on-disk caches and stores."""
from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The writable data folder: $EE_DATA_DIR, else `.ee-data/` in the project (git-ignored)."""
    root = Path(os.environ.get("EE_DATA_DIR") or PROJECT_ROOT / ".ee-data")
    root.mkdir(parents=True, exist_ok=True)
    return root


def machine_dir() -> Path:
    """Files built once per machine from the installed packages (`make install` writes them; every data folder
    reads them): $EE_MACHINE_DIR, else `share/embedding-explorer/` in the Python environment."""
    return Path(os.environ.get("EE_MACHINE_DIR") or Path(sys.prefix) / "share" / "embedding-explorer")
