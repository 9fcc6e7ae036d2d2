"""The other side of a drift check between two datasets: another built-in or uploaded dataset, embedded with the
current model, and both joined into one dataset for the joint map."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from components.seam import Embedded
from components.state import UPLOADS, DataChoice
from core.data.builtins import BUILTINS
from core.data.table import Dataset
from core.errors import DataError
from core.hashing import hash_array

SIDE_COLUMN = "dataset"


def _choices(current: DataChoice) -> dict[DataChoice, str]:
    """Every other dataset this session can reach, with its title."""
    found = {DataChoice("upload", key, model=current.model, long_texts=current.long_texts,
                        overlap=current.overlap): data.name for key, data in st.session_state.get(UPLOADS, {}).items()}
    for key, item in BUILTINS.items():
        size = item.sized.default if item.sized else current.size
        found[replace(current, source="builtin", dataset=key, size=size)] = item.title_at(size)
    found.pop(current, None)
    return found


def other_dataset(current: DataChoice) -> DataChoice | None:
    """The dataset to compare with, picked by title (None when there is none)."""
    choices = _choices(current)
    if not choices:
        st.info("There is no other dataset to compare with; upload one on the Data page.")
        return None
    options = list(choices)
    return st.selectbox("Compare with", options, format_func=choices.get, key="ee_quality_drift_other")


def joined(first: Embedded, second: Embedded, names: tuple[str, str]) -> tuple[Embedded, np.ndarray]:
    """Both datasets' texts and vectors as one, with a column naming each row's dataset; side 0 or 1 per row."""
    a, b = first.dataset, second.dataset
    if a.vectors.shape[1] != b.vectors.shape[1]:
        raise DataError(f"The two datasets' vectors differ in dimension ({a.vectors.shape[1]} and "
                        f"{b.vectors.shape[1]}); choose a model that embeds both.")
    frame = pd.DataFrame({"text": [*map(str, a.texts), *map(str, b.texts)],
                          SIDE_COLUMN: [names[0]] * len(a) + [names[1]] * len(b)})
    vectors = np.vstack([a.vectors, b.vectors]).astype(np.float32)
    both = Dataset(f"{a.name} + {b.name}", frame, "text", vectors=vectors)
    side = np.r_[np.zeros(len(a), dtype=np.int64), np.ones(len(b), dtype=np.int64)]
    return Embedded(both, hash_array(vectors), first.model_label), side
