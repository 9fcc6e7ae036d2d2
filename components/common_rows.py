"""Models compared on the same points: only the source rows every model could embed."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import reduce

import numpy as np

from components.seam import Embedded
from core.hashing import hash_array


def common_rows(embs: Sequence[Embedded]) -> list[Embedded]:
    """Each embedding restricted to the source rows all of them hold (models may drop different rows)."""
    common = reduce(np.intersect1d, [np.asarray(e.dataset.source_rows) for e in embs])
    return [_restricted(e, common) for e in embs]


def _restricted(emb: Embedded, rows: np.ndarray) -> Embedded:
    """`emb` as it is when it holds only `rows`, else its subset with the vectors' new hash."""
    keep = np.isin(np.asarray(emb.dataset.source_rows), rows)
    if keep.all():
        return emb
    ds = emb.dataset.subset(keep, reason="not embedded by every model")
    return replace(emb, dataset=ds, vectors_hash=hash_array(ds.require_vectors()))
