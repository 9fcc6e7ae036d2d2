"""The in-memory dataset every page and command works on."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.errors import DataError


@dataclass
class Exclusions:
    """Rows dropped while loading, with the reason for each."""

    rows: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def add(self, row: int, reason: str) -> None:
        self.rows.append(int(row))
        self.reasons.append(reason)

    def __len__(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"row": self.rows, "reason": self.reasons})

    def summary(self) -> str:
        """One sentence for the user, e.g. '3 rows excluded: 2 empty text, 1 NaN vector'."""
        if not self.rows:
            return "No rows excluded."
        counts = pd.Series(self.reasons).value_counts()
        parts = ", ".join(f"{n} {reason}" for reason, n in counts.items())
        return f"{len(self.rows)} row(s) excluded: {parts}."


TEXT, VECTORS = "text", "vectors"  # the kinds a dataset without a payload has


class RowPayload(Protocol):
    """What a non-text data kind carries beside the frame (image files, a graph, a table's column roles).

    `kind` names the data kind ("image", "graph", "table"); `take` keeps the payload of the given rows,
    in that order, as `Dataset.subset` and `Dataset.sample` do with the frame.
    """

    kind: str

    def take(self, rows: np.ndarray) -> RowPayload: ...


class RowNames(list):
    """Made-up row names ("row 3") that stand in for texts, with the metadata of the rows they name."""

    def __init__(self, names: Iterable[str], metadata: pd.DataFrame) -> None:
        super().__init__(names)
        self.metadata = metadata


@dataclass
class Dataset:
    """Rows of text and metadata, optionally with precomputed vectors.

    `frame` holds one row per item; `text_column` names the column that is
    embedded and shown on hover. `vectors`, when present, has one row per frame
    row. `images` optionally holds small grayscale images (N x h x w) to show.
    A vectors-only file gets `generated_labels`: its texts are row names, not text to embed.
    """

    name: str
    frame: pd.DataFrame
    text_column: str
    vectors: np.ndarray | None = None
    images: np.ndarray | None = None
    excluded: Exclusions = field(default_factory=Exclusions)
    description: str = ""
    source_rows: np.ndarray | None = None
    generated_labels: bool = False  # the text column holds made-up labels ("row 3"), nothing worth embedding
    payload: RowPayload | None = None  # a non-text kind's rows: image files, graph nodes, table columns

    def __post_init__(self) -> None:
        if self.text_column not in self.frame.columns:
            raise ValueError(f"text column {self.text_column!r} not in frame")
        if self.vectors is not None and len(self.vectors) != len(self.frame):
            raise ValueError("vectors and frame differ in length")
        if self.source_rows is None:  # an integer index still numbers the rows of the source file
            index = self.frame.index
            self.source_rows = index.to_numpy() if index.dtype.kind in "iu" else np.arange(len(index))
        self.frame = self.frame.reset_index(drop=True)

    def subset(self, keep: npt.ArrayLike, *, reason: str, vectors: np.ndarray | None = None) -> Dataset:
        """A copy with only the rows where `keep` is true; dropped rows are recorded with `reason`."""
        keep = np.asarray(keep, dtype=bool)
        excluded = Exclusions(list(self.excluded.rows), list(self.excluded.reasons))
        for row in np.asarray(self.source_rows)[~keep]:
            excluded.add(row, reason)
        vecs = vectors if vectors is not None else self.vectors
        return Dataset(self.name, self.frame[keep].reset_index(drop=True), self.text_column,
                       vectors=None if vecs is None else vecs[keep],
                       images=None if self.images is None else self.images[keep],
                       excluded=excluded, description=self.description,
                       source_rows=np.asarray(self.source_rows)[keep], generated_labels=self.generated_labels,
                       payload=self._payload_of(np.flatnonzero(keep)))

    def sample(self, n: int, *, seed: int = 0) -> Dataset:
        """A seeded random sample of `n` rows in their original order, named as such (not an exclusion)."""
        if n >= len(self):
            return self
        rows = np.sort(np.random.default_rng(seed).choice(len(self), n, replace=False))
        name = f"{self.name} (sample of {n:,}, seed {seed})"
        return Dataset(name, self.frame.iloc[rows].reset_index(drop=True), self.text_column,
                       vectors=None if self.vectors is None else self.vectors[rows],
                       images=None if self.images is None else self.images[rows],
                       excluded=self.excluded, description=f"A seeded random sample of {n:,} of {len(self):,} rows "
                       f"of {self.name}.", source_rows=np.asarray(self.source_rows)[rows],
                       generated_labels=self.generated_labels, payload=self._payload_of(rows))

    def _payload_of(self, rows: np.ndarray) -> RowPayload | None:
        return None if self.payload is None else self.payload.take(rows)

    @property
    def kind(self) -> str:
        """What the rows are: "text", "vectors" (made-up row names), or a payload's kind."""
        if self.payload is not None:
            return self.payload.kind
        return VECTORS if self.generated_labels else TEXT

    def __len__(self) -> int:
        return len(self.frame)

    def require_vectors(self) -> np.ndarray:
        """The vectors, which a dataset must have by now (embedded, or its own)."""
        if self.vectors is None:
            raise DataError("This dataset has no vectors of its own; choose a model to embed its texts.")
        return self.vectors

    @property
    def texts(self) -> list[str]:
        """Each row's text; `RowNames`, which also carry the metadata, when the texts were made up."""
        texts = self.frame[self.text_column].astype(str).tolist()
        return RowNames(texts, self.frame[self.metadata_columns]) if self.generated_labels else texts

    @property
    def metadata_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != self.text_column]
