"""Each column's share of the distance between two rows, against the distance computed by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.tables.columns import pick_columns
from core.tables.settings import TableSettings
from core.tables.transform import fit_table
from core.tables.why_close import column_shares


def test_shares_add_the_squared_differences_of_each_columns_features():
    frame = pd.DataFrame({"height": [150.0, 160.0, 170.0, 180.0], "weight": [50.0, 80.0, 60.0, 70.0],
                          "team": ["a", "b", "a", "c"]})
    transform, vectors = fit_table(frame, pick_columns(frame), TableSettings())
    shares = column_shares(transform, frame, 0, 1).set_index("column")
    z = (frame[["height", "weight"]] - frame[["height", "weight"]].mean()) / frame[["height", "weight"]].std(ddof=0)
    by_hand = {"height": (z.height[0] - z.height[1]) ** 2, "weight": (z.weight[0] - z.weight[1]) ** 2, "team": 2.0}
    total = sum(by_hand.values())
    assert total == pytest.approx(float(((vectors[0] - vectors[1]) ** 2).sum()), rel=1e-5)
    for column, part in by_hand.items():
        assert shares.loc[column, "share"] == pytest.approx(part / total, rel=1e-5)
    assert shares["share"].sum() == pytest.approx(1.0)
    assert list(shares.index)[0] == "weight"  # the largest share first


def test_identical_rows_have_no_share_anywhere():
    frame = pd.DataFrame({"x": [1.0, 1.0, 2.0], "y": ["a", "a", "b"]})
    transform, _ = fit_table(frame, pick_columns(frame), TableSettings())
    assert (column_shares(transform, frame, 0, 1)["share"] == 0).all()


def test_a_reduced_table_explains_the_features_before_the_reduction():
    frame = pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0) ** 2, "z": np.sin(np.arange(10.0))})
    transform, _ = fit_table(frame, pick_columns(frame), TableSettings(dimensions=2))
    assert set(column_shares(transform, frame, 2, 7)["column"]) == {"x", "y", "z"}
