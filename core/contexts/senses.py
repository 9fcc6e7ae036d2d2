"""Senses of a word: its occurrence vectors clustered (KMeans, k by silhouette) and laid out in 2D."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.maps.clustering import relabel_by_size
from core.vectors import unit_rows

MAX_SENSES = 4
MIN_SILHOUETTE = 0.1  # below this, no split is convincing: one sense
MIN_TO_SPLIT = 6  # occurrences needed before senses are looked for
PCA_BELOW = 15  # fewer points than this are laid out with PCA, more with UMAP
UMAP_NEIGHBOURS = 8
SEED = 0


@dataclass(frozen=True)
class Senses:
    """Sense number per occurrence (0 = the largest), and the silhouette that chose their count."""

    labels: np.ndarray
    silhouette: float  # the best silhouette over k = 2..MAX_SENSES (cosine); NaN when not tried

    @property
    def k(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def find_senses(vectors: np.ndarray, *, max_k: int = MAX_SENSES, min_silhouette: float = MIN_SILHOUETTE,
                seed: int = SEED) -> Senses:
    """KMeans on unit vectors for k = 2..max_k, the k with the best cosine silhouette; one sense when it is low."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    X = unit_rows(vectors, np.float64)
    one = np.zeros(len(X), dtype=np.int32)
    if len(X) < MIN_TO_SPLIT or len(np.unique(X.round(6), axis=0)) < 3:
        return Senses(one, float("nan"))
    best, best_labels = -1.0, one
    for k in range(2, min(max_k, len(X) - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(X)
        score = float(silhouette_score(X, labels, metric="cosine"))
        if score > best:
            best, best_labels = score, labels
    return Senses(relabel_by_size(best_labels) if best >= min_silhouette else one, best)


def map_method(n_points: int) -> str:
    """'pca' for fewer than PCA_BELOW points, else 'umap'."""
    return "pca" if n_points < PCA_BELOW else "umap"


def layout_2d(vectors: np.ndarray, *, seed: int = SEED) -> np.ndarray:
    """2D coordinates of the rows: PCA of the unit rows below PCA_BELOW points, else cosine UMAP."""
    X = unit_rows(vectors, np.float32)
    if len(X) < 3:
        return np.column_stack([np.arange(len(X), dtype=np.float32), np.zeros(len(X), dtype=np.float32)])
    if map_method(len(X)) == "pca":
        from sklearn.decomposition import PCA
        return PCA(n_components=2, random_state=seed).fit_transform(X).astype(np.float32)
    import umap
    reducer = umap.UMAP(n_components=2, n_neighbors=min(UMAP_NEIGHBOURS, len(X) - 1), min_dist=0.3,
                        metric="cosine", random_state=seed, n_jobs=1)
    return np.asarray(reducer.fit_transform(X), dtype=np.float32)


def map_note(n_points: int) -> str:
    """How the 2D map of `n_points` points was made, in one sentence."""
    if map_method(n_points) == "pca":
        return f"PCA of the {n_points} vectors (fewer than {PCA_BELOW} points: UMAP needs more)."
    return f"UMAP of the {n_points} vectors (cosine, {min(UMAP_NEIGHBOURS, n_points - 1)} neighbours, seed {SEED})."


def senses_note(senses: Senses) -> str:
    """How the number of senses was chosen, in one sentence."""
    if np.isnan(senses.silhouette):
        return f"Too few distinct occurrences to look for senses (at least {MIN_TO_SPLIT} are needed)."
    if senses.k == 1:
        return (f"One sense: the best split (KMeans, k = 2..{MAX_SENSES}) has a cosine silhouette of "
                f"{senses.silhouette:.2f}, below {MIN_SILHOUETTE}.")
    return (f"{senses.k} senses: KMeans on the occurrence vectors, k = 2..{MAX_SENSES} chosen by the best cosine "
            f"silhouette ({senses.silhouette:.2f}; one sense below {MIN_SILHOUETTE}).")
