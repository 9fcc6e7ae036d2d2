"""Dataset rows as Chroma records: content-derived ids, clean metadata, valid collection names."""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

Scalar = str | int | float | bool
RESERVED_PREFIX = "chroma:"
_INVALID_NAME_CHARS = re.compile(r"[^a-zA-Z0-9._-]+")
_READABLE_LIMIT = 80


def clean_value(value: Any) -> Scalar | None:
    """A metadata value as a type Chroma stores (str, int, float, bool); None when there is nothing to store."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value
    if isinstance(value, (pd.Timestamp,)) or hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def clean_metadata(row: Mapping[Any, Any]) -> dict[str, Scalar]:
    """One row's metadata with only values Chroma accepts; missing values and reserved keys dropped."""
    out: dict[str, Scalar] = {}
    for key, value in row.items():
        key = str(key)
        if not key or key.startswith(RESERVED_PREFIX):
            continue
        clean = clean_value(value)
        if clean is not None:
            out[key] = clean
    return out


def frame_metadata(frame: pd.DataFrame, text_column: str) -> list[dict[str, Scalar]]:
    """Clean metadata for every row of a dataset frame (all columns but the text)."""
    columns = [c for c in frame.columns if c != text_column]
    if not columns:
        return [{} for _ in range(len(frame))]
    return [clean_metadata(row) for row in frame[columns].to_dict("records")]


def row_ids(texts: Sequence[str], metadatas: Sequence[Mapping[str, Scalar]]) -> list[str]:
    """An id per row from its text and metadata; identical rows get '~2', '~3'… so none collide.

    The same rows always get the same ids, so writing them again replaces instead of adding.
    """
    seen: Counter[str] = Counter()
    ids = []
    for text, meta in zip(texts, metadatas, strict=True):
        blob = json.dumps([text, meta], sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
        digest = hashlib.blake2b(blob, digest_size=12).hexdigest()
        seen[digest] += 1
        ids.append(digest if seen[digest] == 1 else f"{digest}~{seen[digest]}")
    return ids


def collection_name(dataset: str, model_id: str, metric: str) -> str:
    """A valid Chroma name for (dataset, model, metric): readable part plus a hash of all three.

    Chroma accepts 3-512 characters of [a-zA-Z0-9._-], starting and ending with a letter or
    digit, with no '..'; the hash keeps different triples apart after the clean-up.
    """
    readable = "-".join(_slug(part) for part in (dataset, model_id, metric))
    readable = re.sub(r"\.{2,}", ".", readable)[:_READABLE_LIMIT].strip("._-")
    digest = hashlib.blake2b("\x00".join((dataset, model_id, metric)).encode(), digest_size=4).hexdigest()
    return f"{readable}-{digest}" if readable else f"ee-{digest}"


def _slug(part: str) -> str:
    return _INVALID_NAME_CHARS.sub("-", part).strip("._-") or "x"


def is_valid_name(name: str) -> bool:
    """Whether Chroma would accept `name` as a collection name."""
    return bool(re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]", name)) and ".." not in name \
        and not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", name)


def batches(n: int, size: int) -> Iterable[slice]:
    """Consecutive slices of at most `size` covering range(n)."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))
