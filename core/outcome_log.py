"""Outcomes of work recorded on this machine, kept as JSON in the data folder so that estimates learn its pace."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from core.disk_cache import write_atomically
from core.paths import data_dir

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


class OutcomeLog(Generic[T]):
    """The latest `kept` outcomes (dataclasses of type `kind`) per `group`, in `data_dir() / filename`."""

    def __init__(self, filename: str, kind: Callable[..., T], group: Callable[[T], Hashable], kept: int) -> None:
        self.filename, self.kind, self.group, self.kept = filename, kind, group, kept
        self.lock = threading.Lock()

    @property
    def path(self) -> Path:
        return data_dir() / self.filename

    def read(self) -> list[T]:
        """The outcomes recorded on this machine (none when the file is missing or unreadable)."""
        try:
            return [self.kind(**row) for row in json.loads(self.path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            return []

    def add(self, outcome: T) -> None:
        """Keep `outcome`, with the latest `kept` of its group."""
        with self.lock:
            outcomes = self.read() + [outcome]
            same = [o for o in outcomes if self.group(o) == self.group(outcome)][-self.kept:]
            kept = [o for o in outcomes if self.group(o) != self.group(outcome)] + same
            text = json.dumps([asdict(o) for o in kept]).encode("utf-8")
            write_atomically(self.path, lambda out: out.write(text))
