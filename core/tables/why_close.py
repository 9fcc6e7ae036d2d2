"""Why two rows of a table are close: each column's share of the squared distance between them."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.tables.transform import TableTransform


def column_shares(transform: TableTransform, frame: pd.DataFrame, a: int, b: int) -> pd.DataFrame:
    """Per source column, its part of the squared Euclidean distance between rows `a` and `b` of `frame`, in the
    features before any reduction; largest share first. Shares sum to 1 (all 0 for identical rows)."""
    features = transform.features(frame.iloc[[a, b]])
    squared = (features[0] - features[1]) ** 2
    per_column = pd.Series(squared).groupby(np.asarray(transform.sources), sort=False).sum()
    total = float(per_column.sum())
    shares = per_column / total if total > 0 else per_column * 0.0
    table = pd.DataFrame({"column": per_column.index, "squared_difference": per_column.to_numpy(),
                          "share": shares.to_numpy()})
    return table.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)
