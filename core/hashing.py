"""Content hashes used as cache keys."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import numpy as np


def hash_texts(texts: Iterable[str], *, salt: str = "") -> list[str]:
    """One hex digest per text, salted with e.g. the model id and settings."""
    prefix = salt.encode("utf-8") + b"\x00"
    return [hashlib.blake2b(prefix + t.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() for t in texts]


def hash_array(array: np.ndarray) -> str:
    """Digest of an array's dtype, shape and bytes."""
    arr = np.ascontiguousarray(array)
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{arr.dtype.str}{arr.shape}".encode())
    h.update(arr.data.cast("B"))
    return h.hexdigest()


def hash_params(params: Any) -> str:
    """Digest of a JSON-serialisable parameter mapping (key order does not matter)."""
    blob = json.dumps(params, sort_keys=True, default=str).encode()
    return hashlib.blake2b(blob, digest_size=16).hexdigest()
