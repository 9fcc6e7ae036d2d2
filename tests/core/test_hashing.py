"""Content fingerprints: equal content gives equal keys, any changed value a different one."""
import numpy as np
import pandas as pd

from core.hashing import fingerprint


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"text": ["a", "b", "c"], "year": [2001, 2002, 2003]})


def test_equal_content_in_new_objects_gives_one_fingerprint():
    args = (np.arange(6, dtype=np.float32).reshape(3, 2), _frame(), {"labels": np.ones(2)}, ["x", "y"])
    again = (np.arange(6, dtype=np.float32).reshape(3, 2), _frame(), {"labels": np.ones(2)}, ["x", "y"])
    assert fingerprint(args) == fingerprint(again)
    assert hash(fingerprint(args)) == hash(fingerprint(again))


def test_any_changed_value_changes_the_fingerprint():
    base = fingerprint((np.zeros(4), _frame(), ["x", "y"], "title"))
    changed_cell = _frame()
    changed_cell.loc[1, "text"] = "B"
    assert fingerprint((np.zeros(4), changed_cell, ["x", "y"], "title")) != base
    assert fingerprint((np.zeros(4), _frame().rename(columns={"year": "when"}), ["x", "y"], "title")) != base
    assert fingerprint((np.zeros(4, dtype=np.float32), _frame(), ["x", "y"], "title")) != base
    assert fingerprint((np.zeros(4), _frame(), ["x", "z"], "title")) != base
    assert fingerprint((np.zeros(4), _frame(), ["x", "y"], "other")) != base
    assert fingerprint((np.zeros(4), _frame().iloc[::-1], ["x", "y"], "title")) != base  # row order counts
    assert fingerprint((np.zeros(4), _frame().astype({"year": float}), ["x", "y"], "title")) != base
    assert fingerprint(["a\x00b"]) != fingerprint(["a", "b"])


def test_cells_no_hash_can_read_never_match():
    frame = pd.DataFrame({"vector": [{"a": 1}, {"b": 2}]})
    assert fingerprint(frame) != fingerprint(frame.copy())
