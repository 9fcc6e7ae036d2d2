"""Names for clusters of rows without text: the most common value of a metadata column, or the cluster's size."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.maps.clustering import NOISE

MAX_CATEGORIES = 50  # a column with more distinct values than this names no cluster


def cell_texts(column: pd.Series) -> np.ndarray:
    """A column's cells as text, missing ones as 'missing'."""
    return column.astype(object).where(column.notna(), "missing").astype(str).to_numpy()


def categorical_columns(metadata: pd.DataFrame) -> list[str]:
    """Columns of 2 to MAX_CATEGORIES distinct values, each value held by two rows on average at least."""
    return [c for c in metadata.columns
            if 2 <= metadata[c].nunique(dropna=False) <= min(MAX_CATEGORIES, len(metadata) / 2)]


def naming_column(metadata: pd.DataFrame, labels: np.ndarray) -> str | None:
    """The categorical column that agrees most with the clusters (normalised mutual information, noise left out)."""
    from sklearn.metrics import normalized_mutual_info_score

    kept = labels != NOISE
    if not kept.any():
        return None
    agreement = {c: normalized_mutual_info_score(labels[kept], cell_texts(metadata[c])[kept])
                 for c in categorical_columns(metadata)}
    return max(agreement, key=agreement.__getitem__) if agreement else None


def metadata_keywords(metadata: pd.DataFrame, labels: np.ndarray) -> dict[int, list[str]]:
    """Each cluster's name (noise has none): 'digit = 7 (92%)', the most common value of the column that agrees
    most with the clusters and its share of the cluster; '412 points' when no column is categorical."""
    labels = np.asarray(labels)
    column = naming_column(metadata, labels)
    values = cell_texts(metadata[column]) if column is not None else None
    keywords: dict[int, list[str]] = {}
    for cid in np.unique(labels[labels != NOISE]).tolist():
        members = labels == cid
        if values is None:
            keywords[cid] = [f"{members.sum():,} points"]
            continue
        counts = pd.Series(values[members]).value_counts()
        keywords[cid] = [f"{column} = {counts.index[0]} ({counts.iloc[0] / members.sum():.0%})"]
    return keywords
