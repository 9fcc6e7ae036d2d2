"""Load a NumPy .npy matrix of vectors (never unpickling), with optional per-row metadata."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from core.data.loaders.columns import _with_label_column
from core.data.loaders.tables import MAX_ROWS, _too_many_rows
from core.data.loaders.vectors import exclude_nonfinite
from core.data.table import Dataset, Exclusions
from core.errors import DataError


def load_npy(
    data: bytes, *, name: str, metadata: pd.DataFrame | None = None, label_column: str | None = None
) -> Dataset:
    """Load a 2-D numeric .npy array of vectors, with optional per-row metadata."""
    vectors = _load_npy_matrix(data, name)
    if metadata is not None and len(metadata) != len(vectors):
        raise DataError(
            f"{name} has {len(vectors):,} vectors but the metadata table has {len(metadata):,} rows. "
            "They must match row for row."
        )
    frame = pd.DataFrame(index=range(len(vectors))) if metadata is None else metadata.reset_index(drop=True)
    frame, text_column, generated = _with_label_column(frame, label_column, name)
    excluded = Exclusions()
    keep = exclude_nonfinite(vectors, excluded, list(range(len(vectors))))
    if not keep.any():
        raise DataError(
            f"All {len(vectors)} vectors in {name} contain NaN or inf values. Check how the file was made."
        )
    return Dataset(
        name=name, frame=frame[keep], text_column=text_column, vectors=vectors[keep], excluded=excluded,
        generated_labels=generated,
    )


def _load_npy_matrix(data: bytes, name: str) -> np.ndarray:
    """Read .npy bytes safely (never unpickling) and check it is a non-empty numeric matrix."""
    if not data:
        raise DataError(f"{name} is empty. Choose a file that contains data.")
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{name} is an .npz archive. Save a single array with numpy.save(...) to a .npy file."
        )
    if not data.startswith(b"\x93NUMPY"):
        raise DataError(f"{name} is not a NumPy .npy file. Save the vectors with numpy.save(...).")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as err:
        if "allow_pickle" in str(err):
            raise DataError(
                f"{name} contains Python objects; only plain numeric arrays are accepted. "
                "Convert it with numpy.asarray(vectors, dtype='float32') and save again."
            ) from None
        raise _damaged_npy(name, err) from None
    except (OSError, EOFError) as err:
        raise _damaged_npy(name, err) from None
    return _check_matrix(array, name)


def _damaged_npy(name: str, err: Exception) -> DataError:
    return DataError(f"{name} could not be read as a .npy file ({err}). It may be damaged; save it again.")


def _check_matrix(array: np.ndarray, name: str) -> np.ndarray:
    """Require a non-empty 2-D array of real numbers; return it as float32."""
    if array.dtype.kind not in "biuf":
        raise DataError(
            f"{name} holds {array.dtype} values, not real numbers. Save a float array with numpy.save(...)."
        )
    if array.ndim != 2:
        hint = " For a single vector use vector.reshape(1, -1)." if array.ndim == 1 else ""
        raise DataError(
            f"{name} has shape {array.shape}; expected a 2-D array with one vector per row "
            f"(rows, dimensions).{hint}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise DataError(f"{name} is empty (shape {array.shape}). Choose a file that contains vectors.")
    if array.shape[0] > MAX_ROWS:
        raise _too_many_rows(name)
    with np.errstate(over="ignore"):
        return array.astype(np.float32)
