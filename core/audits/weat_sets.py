"""WEAT word sets: the paper's ten tests (shipped as JSON) and custom sets typed in or uploaded."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import DataError

DATA = Path(__file__).resolve().parent / "data"
CALISKAN_FILE = DATA / "weat_caliskan2017.json"
ROLES = ("X", "Y", "A", "B")
ROLE_TITLES = {"X": "target X", "Y": "target Y", "A": "attribute A", "B": "attribute B"}
CUSTOM_FORMAT = ('{"title": "...", "X": {"name": "...", "words": [...]}, "Y": {...}, "A": {...}, "B": {...}} '
                 '(a list of such tests, or {"tests": [...]}, also works; a set may be a plain list of words)')


@dataclass(frozen=True)
class WordSet:
    name: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class WeatTest:
    """Targets X, Y and attributes A, B; hashable so results can be cached by test."""

    id: str
    title: str
    X: WordSet
    Y: WordSet
    A: WordSet
    B: WordSet
    paper_effect_size: float | None = None
    note: str = ""

    def sets(self) -> dict[str, WordSet]:
        return {role: getattr(self, role) for role in ROLES}


def split_words(text: str) -> tuple[str, ...]:
    """Words separated by commas or new lines, trimmed, empty ones dropped, repeats kept once."""
    return tuple(dict.fromkeys(w.strip() for w in re.split(r"[,\n;]", text) if w.strip()))


def _word_set(raw: Any, role: str, test_name: str) -> WordSet:
    if isinstance(raw, list):
        raw = {"name": ROLE_TITLES[role], "words": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("words"), list):
        raise DataError(f"Test '{test_name}': set {role} needs a list of words ({CUSTOM_FORMAT}).")
    words = tuple(dict.fromkeys(str(w).strip() for w in raw["words"] if str(w).strip()))
    if not words:
        raise DataError(f"Test '{test_name}': set {role} is empty.")
    return WordSet(str(raw.get("name") or ROLE_TITLES[role]), words)


def weat_test_from_dict(raw: dict, *, default_id: str) -> WeatTest:
    """One test from its JSON object; errors name the test and the set."""
    title = str(raw.get("title") or raw.get("id") or default_id)
    missing = [role for role in ROLES if role not in raw]
    if missing:
        raise DataError(f"Test '{title}' lacks set(s) {', '.join(missing)}; expected {CUSTOM_FORMAT}.")
    sets = {role: _word_set(raw[role], role, title) for role in ROLES}
    return WeatTest(str(raw.get("id") or default_id), title, **sets,
                    paper_effect_size=raw.get("paper_effect_size"), note=str(raw.get("note") or ""))


@lru_cache(maxsize=1)
def caliskan_tests() -> tuple[WeatTest, ...]:
    """The ten WEAT tests of Caliskan et al. (2017), with the word sets the paper used."""
    doc = json.loads(CALISKAN_FILE.read_text(encoding="utf-8"))
    return tuple(weat_test_from_dict(raw, default_id=f"weat{i}") for i, raw in enumerate(doc["tests"], start=1))


def caliskan_citation() -> str:
    return json.loads(CALISKAN_FILE.read_text(encoding="utf-8"))["citation"]


def select_tests(names: list[str] | tuple[str, ...] | str) -> list[WeatTest]:
    """'all', or test ids / numbers such as 'weat6' or '6'."""
    tests = {t.id: t for t in caliskan_tests()}
    if names == "all" or list(names) == ["all"]:
        return list(tests.values())
    chosen = []
    for name in ([names] if isinstance(names, str) else names):
        key = name if name in tests else f"weat{name}"
        if key not in tests:
            raise DataError(f"Unknown WEAT test '{name}'. Available: all, or 1-10 ({', '.join(tests)}).")
        chosen.append(tests[key])
    return chosen


def parse_custom_tests(text: str, *, source: str = "the file") -> list[WeatTest]:
    """Tests from uploaded JSON: one test object, a list of them, or {"tests": [...]}."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{source} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    items = doc.get("tests", doc) if isinstance(doc, dict) and "X" not in doc else doc
    items = items if isinstance(items, list) else [items]
    if not items or not all(isinstance(item, dict) for item in items):
        raise DataError(f"{source} holds no WEAT test; expected {CUSTOM_FORMAT}.")
    return [weat_test_from_dict(item, default_id=f"custom{i}") for i, item in enumerate(items, start=1)]


def typed_test(title: str, names: dict[str, str], words: dict[str, str]) -> WeatTest:
    """A custom test from four typed word lists (comma- or line-separated)."""
    raw = {"title": title or "Custom test", "id": "custom",
           **{role: {"name": names.get(role) or ROLE_TITLES[role], "words": list(split_words(words.get(role, "")))}
              for role in ROLES}}
    return weat_test_from_dict(raw, default_id="custom")
