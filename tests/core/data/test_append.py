"""Rows added to a dataset: same kind and shape, appended after the old rows and marked as new."""
import io

import numpy as np
import pandas as pd
import pytest

from core.data.append import NEW_COLUMN, added_rows, grown_dataset
from core.data.loaders import load_npy, table_to_dataset
from core.errors import DataError


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _texts() -> pd.DataFrame:
    return pd.DataFrame({"text": ["a cat", "a dog", "rain"], "topic": ["pets", "pets", "weather"]})


def test_added_table_rows_follow_the_old_rows_unchanged_and_are_marked():
    old = table_to_dataset(_texts(), name="old.csv", text_column="text", metadata_columns=["topic"])
    more = b"topic,text,extra\nweather,snow,1\npets,a bird,2\n"
    grown = grown_dataset(old, added_rows(more, "more.csv", old))
    assert grown.texts == ["a cat", "a dog", "rain", "snow", "a bird"]
    assert grown.frame[NEW_COLUMN].tolist() == [False, False, False, True, True]
    assert list(grown.frame.columns) == ["text", "topic", NEW_COLUMN]  # the added file's extra column is left out
    pd.testing.assert_frame_equal(grown.frame.iloc[:3, :2], old.frame)
    again = grown_dataset(grown, added_rows(b"text,topic\nsun,weather\n", "last.csv", grown))
    assert again.frame[NEW_COLUMN].tolist() == [False] * 5 + [True]  # only the latest rows are new


def test_added_vectors_must_have_the_old_dimension():
    old = load_npy(_npy(np.eye(3, 4, dtype=np.float32)), name="old.npy")
    grown = grown_dataset(old, added_rows(_npy(np.ones((2, 4))), "more.npy", old))
    assert grown.vectors.dtype == np.float32 and grown.vectors[:3].tobytes() == old.vectors.tobytes()
    assert grown.texts[3:] == ["row 3", "row 4"] and grown.kind == old.kind
    with pytest.raises(DataError, match="dimension 5, but old.npy has dimension 4"):
        added_rows(_npy(np.ones((2, 5))), "more.npy", old)
    with pytest.raises(DataError, match="as a .npy file of vectors of dimension 4"):
        added_rows(b"label\nrow 9\n", "more.csv", old)


def test_a_table_without_the_old_columns_is_refused():
    old = table_to_dataset(_texts(), name="old.csv", text_column="text", metadata_columns=["topic"])
    with pytest.raises(DataError, match="lacks the column"):
        added_rows(b"text\nsnow\n", "more.csv", old)
    with pytest.raises(DataError, match="has texts, not vectors"):
        added_rows(_npy(np.ones((2, 4))), "more.npy", old)
