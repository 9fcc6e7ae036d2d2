"""How the space moved: the maps before and after aligned, per-point movement, WEAT/SEAT before and after."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from core.vectors import unit_rows

K_NEIGHBOURS = 10
SHOWN_NEIGHBOURS = 5
CONVENTIONS = ("The after-map is aligned to the before-map on the same points by orthogonal Procrustes (rotation, "
               "reflection, uniform scale and shift, least squares), so a point's displacement on the map is "
               f"movement, not a turned layout. Neighbours: each text's {K_NEIGHBOURS} nearest held-out texts by "
               "cosine, before and after; 'moved' is the share of them that changed.")


def align(reference: np.ndarray, moving: np.ndarray) -> np.ndarray:
    """`moving` rotated, reflected, scaled and shifted onto `reference` (least squares; same points, same order)."""
    from scipy.linalg import orthogonal_procrustes

    ref_mean, mov_mean = reference.mean(axis=0), moving.mean(axis=0)
    ref, mov = reference - ref_mean, moving - mov_mean
    rotation, singular_sum = orthogonal_procrustes(mov, ref)
    norm = float((mov ** 2).sum())
    scale = singular_sum / norm if norm > 0 else 1.0
    return mov @ rotation * scale + ref_mean


def neighbours(vectors: np.ndarray, k: int = K_NEIGHBOURS) -> np.ndarray:
    """Each row's k nearest other rows by cosine (exact)."""
    unit = unit_rows(np.asarray(vectors, dtype=np.float32), np.float32)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    k = min(k, len(unit) - 1)
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def movement(texts: Sequence[str], before: np.ndarray, after: np.ndarray, map_before: np.ndarray,
             map_after: np.ndarray, *, k: int = K_NEIGHBOURS) -> pd.DataFrame:
    """Per text: how much its neighbourhood changed, its map displacement, and the neighbours gained and lost."""
    nb, na = neighbours(before, k), neighbours(after, k)
    texts = list(texts)
    rows = []
    for i, text in enumerate(texts):
        old, new = list(nb[i]), list(na[i])
        gained = [texts[j] for j in new if j not in set(old)]
        lost = [texts[j] for j in old if j not in set(new)]
        rows.append({"text": text, "moved": len(gained) / max(1, len(new)),
                     "displacement": float(np.linalg.norm(map_after[i] - map_before[i])),
                     "neighbours_gained": " | ".join(gained[:SHOWN_NEIGHBOURS]),
                     "neighbours_lost": " | ".join(lost[:SHOWN_NEIGHBOURS])})
    table = pd.DataFrame(rows)
    return table.sort_values(["moved", "displacement"], ascending=False, kind="stable").reset_index(drop=True)


def weat_before_after(base_key: str, tuned_key: str, *, tests: Sequence | None = None,
                      get_embedders: tuple[Callable | None, Callable | None] = (None, None),
                      progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """SEAT effect sizes of the base and the fine-tuned model (Caliskan et al.'s tests in templates)."""
    from core.audits.weat_audit import before_after
    from core.audits.weat_sets import caliskan_tests
    from core.audits.word_sources import DEFAULT_TEMPLATES, TemplateSource

    tests = list(tests or caliskan_tests())
    before, after = (TemplateSource(key, DEFAULT_TEMPLATES, get_embedder=get, progress=progress)
                     for key, get in zip((base_key, tuned_key), get_embedders))
    return before_after(tests, before, after)
