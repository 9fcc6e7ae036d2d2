"""Where the app keeps its on-disk caches and stores."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The writable data folder: $EE_DATA_DIR, else `.ee-data/` in the project (git-ignored)."""
    root = Path(os.environ.get("EE_DATA_DIR") or PROJECT_ROOT / ".ee-data")
    root.mkdir(parents=True, exist_ok=True)
    return root
