"""Stable maps: new rows placed on an existing map without moving the old points.

A map written as Parquet by `python -m core map` keeps in its file metadata how it was made: the
projection's parameters, the fit sample's size and the content hash of its vectors. The grown data
(the old rows first, then the new ones) is placed on it by refitting the same seeded projection on
the old rows (UMAP is deterministic with a fixed seed and one thread: the refit reproduces the
stored coordinates, which is checked and reported) and placing the new rows with `transform`.
The old rows are written back as they were read, so their coordinates stay byte-identical.
"""
from __future__ import annotations

import io
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.data.append import NEW_COLUMN
from core.disk_cache import save_atomically, write_atomically
from core.errors import DataError
from core.hashing import hash_array, hash_texts
from core.jobs import JobProgress
from core.maps.faithfulness import DEFAULT_K, per_point_trustworthiness
from core.maps.projection import MAX_FIT, ProjectionParams, _fit_rows, fit_on_rows, place_rows

if TYPE_CHECKING:
    from core.maps.projector import Projector

META_KEY = b"embedding_explorer.map"
DRIFT_OLD_SAMPLE = 4_000  # old rows the drift is measured against
DRIFT_NEW_SAMPLE = 1_000  # new rows whose trustworthiness is measured
REFIT_DRIFT = 0.05  # a drift above this makes a refit worth its moved points


@dataclass(frozen=True)
class MapRecipe:
    """How a map was made: enough to refit its projection exactly."""

    params: ProjectionParams
    rows: int
    max_fit: int
    vectors_hash: str
    fitted_on: int | None = None  # the projection's fit sample was drawn from this many first rows (None: all)

    @classmethod
    def of(cls, vectors: np.ndarray, params: ProjectionParams, max_fit: int = MAX_FIT, *,
           fitted_on: int | None = None) -> MapRecipe:
        return cls(params, len(vectors), max_fit, hash_array(vectors), fitted_on)

    def grown(self, vectors: np.ndarray) -> MapRecipe:
        """The recipe of this map grown to `vectors` (its rows first): the same fit, so it can grow again."""
        return MapRecipe.of(vectors, self.params, self.max_fit, fitted_on=self.fitted_on or self.rows)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self) | {"params": asdict(self.params)}).encode()

    @classmethod
    def from_json(cls, blob: bytes) -> MapRecipe:
        raw = json.loads(blob)
        return cls(ProjectionParams(**raw["params"]), raw["rows"], raw["max_fit"], raw["vectors_hash"],
                   raw.get("fitted_on"))


def with_recipe(parquet: bytes, recipe: MapRecipe) -> bytes:
    """The Parquet file with the map's recipe added to its metadata (the data untouched)."""
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(parquet))
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), META_KEY: recipe.to_json()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def read_map(path: Path) -> tuple[pd.DataFrame, MapRecipe | None]:
    """A map written by `python -m core map` (Parquet), and its recipe when the file holds one."""
    import pyarrow.parquet as pq

    if Path(path).suffix.lower() != ".parquet":
        raise DataError(f"{Path(path).name}: the map to grow must be a .parquet file written by `python -m core map`.")
    table = pq.read_table(path)
    blob = (table.schema.metadata or {}).get(META_KEY)
    frame = table.to_pandas()
    if not {"x", "y"} <= set(frame.columns):
        raise DataError(f"{Path(path).name} has no x and y columns; it is not a map written by `python -m core map`.")
    return frame, None if blob is None else MapRecipe.from_json(blob)


@dataclass
class Drift:
    """How well the new points sit on the old map: their trustworthiness against the old points, and the old
    points' own, measured the same way (on seeded samples)."""

    new_trust: float
    old_trust: float
    new_rows: int
    old_rows: int

    @property
    def drift(self) -> float:
        """How much less trustworthy the new points are than the old (0: no drift; refit when it grows)."""
        return self.old_trust - self.new_trust

    def sentence(self) -> str:
        """What the drift means for a reader, and whether a refit is worth it."""
        advice = "so a refit is worth it" if self.drift > REFIT_DRIFT else "so the map needs no refit yet"
        return (f"Drift {self.drift:.3f}: the {self.new_rows:,} new points measured keep trustworthiness "
                f"{self.new_trust:.3f} against the old map's {self.old_trust:.3f} (1: their neighbours on the map are "
                f"their true neighbours); a refit is worth it once the drift passes {REFIT_DRIFT}, {advice}.")


@dataclass
class GrownMap:
    """The new rows' coordinates, the drift, and whether the refit reproduced the stored map."""

    new_coords: np.ndarray
    drift: Drift | None
    refit_max_diff: float  # largest coordinate difference between the refit and the stored map on its fit rows
    # (0 unless the map was refined after its sampled fit: the new rows are then placed among the stored ones)


def _check_grown(vectors: np.ndarray, old_rows: int, recipe: MapRecipe) -> None:
    if len(vectors) < old_rows:
        raise DataError(f"The new data has {len(vectors):,} rows, fewer than the {old_rows:,} of the map; it must "
                        "hold the map's rows first, then the new ones.")
    if recipe.rows != old_rows:
        raise DataError(f"The map file has {old_rows:,} rows but was made of {recipe.rows:,} vectors.")
    if recipe.vectors_hash and hash_array(vectors[:old_rows]) != recipe.vectors_hash:
        raise DataError(f"The first {old_rows:,} rows of the new data are not the vectors the map was made of; the "
                        "new data must hold the map's rows first, in the same order, then the new ones.")
    if recipe.params.method == "tsne":
        raise DataError("A t-SNE map cannot place new points; make the map with UMAP or PCA.")


def grow_map(vectors: np.ndarray, old_coords: np.ndarray, recipe: MapRecipe, *,
             cancel: threading.Event | None = None, progress: JobProgress | None = None,
             projector: Projector | None = None) -> GrownMap:
    """Place `vectors[len(old_coords):]` on the map of `vectors[:len(old_coords)]` (made as `recipe` says), with
    the projector that made that map when it is at hand, else with its seeded refit."""
    old_rows = len(old_coords)
    _check_grown(vectors, old_rows, recipe)
    X = np.asarray(vectors, dtype=np.float32)
    fit_rows = _fit_rows(recipe.fitted_on or old_rows, recipe.params, recipe.max_fit)
    if projector is None:
        if progress is not None:
            progress.status(f"Fitting the map's projection again on {len(fit_rows):,} points")
        projector = fit_on_rows(X, fit_rows, recipe.params, cancel=cancel)
    refit_diff = float(np.abs(projector.embedding_ - old_coords[fit_rows]).max())
    if recipe.params.method == "umap":
        projector.use_layout(old_coords[fit_rows])  # a refined map's fitted rows moved; place among them as stored
    new = np.arange(old_rows, len(X))
    coords = place_rows(projector, X, new, cancel=cancel, progress=progress)
    drift = drift_of(X, np.concatenate([old_coords, coords]).astype(np.float32), old_rows,
                     metric=recipe.params.metric) if len(new) else None
    return GrownMap(coords, drift, refit_diff)


def drift_of(X: np.ndarray, coords: np.ndarray, old_rows: int, *, metric: str = "cosine",
             k: int = DEFAULT_K, seed: int = 0) -> Drift:
    """Trustworthiness of a sample of the new points among a sample of the old ones, and of those old points."""
    rng = np.random.default_rng(seed)
    old = np.sort(rng.choice(old_rows, min(old_rows, DRIFT_OLD_SAMPLE), replace=False))
    new = old_rows + np.sort(rng.choice(len(X) - old_rows, min(len(X) - old_rows, DRIFT_NEW_SAMPLE), replace=False))
    rows = np.concatenate([old, new])
    Xs, Ys = np.ascontiguousarray(X[rows], dtype=np.float32), np.asarray(coords[rows])
    k = max(1, min(k, (len(rows) - 1) // 2))
    trust = per_point_trustworthiness(Xs, Ys, k=k, metric=metric)
    return Drift(float(trust[len(old):].mean()), float(trust[:len(old)].mean()), len(new), len(old))


def grown_frame(old: pd.DataFrame, new_part: pd.DataFrame) -> pd.DataFrame:
    """The old map's rows as they were, then the new rows, with a `new` column marking them."""
    return pd.concat([old.assign(**{NEW_COLUMN: False}), new_part.assign(**{NEW_COLUMN: True})], ignore_index=True)


def grown_key(old_hash: str, vectors_hash: str) -> str:
    """The content key of a grown map: the old map's vectors and the grown vectors (a refit keys on the latter)."""
    return hash_texts([f"grown\x1f{old_hash}\x1f{vectors_hash}"])[0]


def drift_path(coords_path: Path) -> Path:
    """Where a grown map's drift is kept, beside its coordinates."""
    return coords_path.with_suffix(".drift.json")


def grow_and_keep(vectors: np.ndarray, old_coords: np.ndarray, recipe: MapRecipe, coords_path: Path | None, *,
                  cancel: threading.Event | None = None, progress: JobProgress | None = None,
                  projector: Projector | None = None) -> tuple[np.ndarray, Drift | None]:
    """Every row's coordinates (the old ones as given, then the placed ones) and the drift, kept at `coords_path`
    (its drift beside it) so a grown map loads like any other map."""
    grown = grow_map(vectors, old_coords, recipe, cancel=cancel, progress=progress, projector=projector)
    coords = np.concatenate([old_coords, grown.new_coords.astype(old_coords.dtype)])
    if coords_path is not None:
        blob = json.dumps(None if grown.drift is None else asdict(grown.drift)).encode()
        write_atomically(drift_path(coords_path), lambda out: out.write(blob))
        save_atomically(coords_path, coords)
    return coords, grown.drift


def kept_drift(coords_path: Path) -> Drift | None:
    """The drift kept beside a grown map's coordinates (None when it was not measured or is not there)."""
    path = drift_path(coords_path)
    raw = json.loads(path.read_bytes()) if path.exists() else None
    return None if raw is None else Drift(**raw)
