"""Content hashes used as cache keys."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd


def hash_texts(texts: Iterable[str], *, salt: str = "") -> list[str]:
    """One hex digest per text, salted with e.g. the model id and settings."""
    prefix = salt.encode("utf-8") + b"\x00"
    return [hashlib.blake2b(prefix + t.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() for t in texts]


def hash_array(array: np.ndarray) -> str:
    """Digest of an array's dtype, shape and bytes."""
    arr = np.ascontiguousarray(array)
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{arr.dtype.str}{arr.shape}".encode())
    h.update(memoryview(arr).cast("B"))
    return h.hexdigest()


def hash_params(params: Any) -> str:
    """Digest of a JSON-serialisable parameter mapping (key order does not matter)."""
    blob = json.dumps(params, sort_keys=True, default=str).encode()
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def _hash_strings(texts: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def fingerprint(value: Any) -> Hashable:
    """A hashable stand-in for `value` that changes with its content: arrays, tables, mappings and sequences
    are digested, other values are kept as they are (they must be hashable)."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return "array", hash_array(value)
    if isinstance(value, (np.ndarray, pd.Series, pd.DataFrame)):
        table = pd.DataFrame(value) if isinstance(value, np.ndarray) else value
        try:
            rows = pd.util.hash_pandas_object(table, index=True).to_numpy()
        except TypeError:  # cells no hash can read: a stand-in equal to nothing else
            return object()
        if isinstance(table, pd.Series):
            table = table.to_frame(name=str(table.name))
        return "table", tuple(map(str, table.columns)), tuple(map(str, table.dtypes)), hash_array(rows)
    if isinstance(value, Mapping):
        return "mapping", tuple((fingerprint(k), fingerprint(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, str) for v in value):
            return "strings", _hash_strings(value)
        return "sequence", tuple(fingerprint(v) for v in value)
    return value
