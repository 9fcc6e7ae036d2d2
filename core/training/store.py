"""Fine-tuned models on disk: where they go, the card each carries, listing and deleting them.

A model is written to a hidden temporary folder beside its destination and renamed into place only
once it and its card are complete, so an interrupted or cancelled run never leaves a model to pick.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core.embedding.models import CARD_FILE, CUSTOM_PREFIX
from core.embedding.static import STATIC_FORMAT, STATIC_PREFIX
from core.errors import UserError
from core.paths import data_dir

PARTIAL_PREFIX = ".partial-"


def models_dir() -> Path:
    """$EE_DATA_DIR/models: where the app keeps fine-tuned models."""
    root = data_dir() / "models"
    root.mkdir(parents=True, exist_ok=True)
    return root


def default_model_dir(base_key: str) -> Path:
    """A new folder name under models_dir(): the base model's name and the time."""
    base = base_key.removeprefix(CUSTOM_PREFIX).rstrip("/\\")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(base).name or base).strip("-.") or "model"
    return models_dir() / f"{slug}-finetuned-{datetime.now():%Y%m%d-%H%M%S}"


def check_destination(out: Path) -> Path:
    """`out` as an absolute path that can be created; an existing non-empty folder is refused."""
    out = Path(out).expanduser().resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"'{out}' already exists and is not an empty folder; choose another --out.")
    return out


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A hidden folder beside `out` to write into; renamed to `out` when the block ends without error."""
    out = check_destination(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=out.parent))
    try:
        yield tmp
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_card(folder: Path, card: dict[str, Any], readme: str) -> None:
    """The JSON card (`ee-card.json`) and the readable one (README.md)."""
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / "README.md").write_text(readme, encoding="utf-8")


def read_card(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class LocalModel:
    key: str  # st:<folder>
    folder: Path
    title: str
    created: str


def local_models(root: Path | None = None) -> list[LocalModel]:
    """The complete models made here under models_dir(), newest first: fine-tuned (st:) and static (static:) ones;
    folders without a card are skipped."""
    root = models_dir() if root is None else root
    found = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        card = read_card(folder) if folder.is_dir() and not folder.name.startswith(".") else None
        if card is not None:
            prefix = STATIC_PREFIX if card.get("format") == STATIC_FORMAT else CUSTOM_PREFIX
            found.append(LocalModel(f"{prefix}{folder}", folder, str(card.get("title", folder.name)),
                                    str(card.get("created", ""))))
    return sorted(found, key=lambda m: m.created, reverse=True)


def delete_model(key: str, *, forget: Callable[[str], None] | None = None) -> None:
    """Remove a fine-tuned model's folder (only folders under models_dir() that carry a card)."""
    folder = Path(key.removeprefix(CUSTOM_PREFIX).removeprefix(STATIC_PREFIX)).resolve()
    if folder.parent != models_dir().resolve() or read_card(folder) is None:
        raise UserError("This folder is not a fine-tuned model of this app; only those can be deleted here.")
    shutil.rmtree(folder)
    if forget:
        forget(key)
