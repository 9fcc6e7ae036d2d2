"""A map's clusters and faithfulness kept on disk, keyed by content, so a restart reads them instead of recomputing.

Each entry is one .npz of plain arrays (never pickled): the per-row arrays as they are, and the rest (keywords,
scores, the cluster table) as one JSON string. The key holds the vectors' hash, the map coordinates' hash and
the settings, so any change to the data, the projection or the settings reads another entry.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from core.disk_cache import Arrays
from core.hashing import hash_array, hash_params, hash_texts
from core.maps.cluster_settings import ClusterSpec
from core.maps.faithfulness import TRUST_ALL_LIMIT, TRUST_SAMPLE, Faithfulness
from core.paths import data_dir

VERSION = "v1"


def _entry(folder: str, vectors_hash: str, coords: np.ndarray, settings: dict) -> Path:
    where = data_dir() / folder
    where.mkdir(parents=True, exist_ok=True)
    key = settings | {"coords": hash_array(np.asarray(coords, dtype=np.float32)), "version": VERSION}
    return where / f"{vectors_hash}-{hash_params(key)}.npz"


def clusters_path(vectors_hash: str, texts: Sequence[str], coords: np.ndarray, spec: ClusterSpec, *,
                  metric: str, large: bool) -> Path:
    """Where the clusters of this map (its rows' texts name them) with these settings are kept."""
    texts_hash = hash_params(hash_texts(str(t) for t in texts))
    return _entry("clusters", vectors_hash, coords,
                  {"spec": asdict(spec), "metric": metric, "large": large, "texts": texts_hash})


def faith_path(vectors_hash: str, coords: np.ndarray, *, metric: str, k: int, large: bool) -> Path:
    """Where the faithfulness of this map is kept."""
    return _entry("faithfulness", vectors_hash, coords, {"metric": metric, "k": k, "large": large,
                                                          "trust": [TRUST_ALL_LIMIT, TRUST_SAMPLE]})


def _json(value: dict) -> np.ndarray:
    return np.array(json.dumps(value, default=float))


def _read_json(arrays: Arrays) -> dict:
    assert isinstance(arrays, dict)
    return json.loads(str(arrays["meta"]))


def clusters_to_arrays(result) -> dict[str, np.ndarray]:
    """A ClusterResult as named arrays."""
    table = result.table
    meta = {"keywords": {str(c): words for c, words in result.keywords.items()}, "scores": result.scores,
            "n_fit": result.n_fit, "note": result.note, "advice": result.advice,
            "silhouette_by_k": {str(k): s for k, s in result.silhouette_by_k.items()},
            "table": json.loads(table.to_json(orient="split", index=False))}
    return {"labels": np.asarray(result.labels), "names": np.asarray(result.names, dtype=str), "meta": _json(meta)}


def clusters_from_arrays(arrays: Arrays, spec: ClusterSpec):
    """The ClusterResult `clusters_to_arrays` kept, for `spec`."""
    from core.maps.clusters import ClusterResult

    assert isinstance(arrays, dict)
    meta = _read_json(arrays)
    table = pd.DataFrame(meta["table"]["data"], columns=meta["table"]["columns"])
    return ClusterResult(spec, arrays["labels"], arrays["names"].astype(object),
                         {int(c): words for c, words in meta["keywords"].items()}, table, meta["scores"],
                         meta["n_fit"], meta["note"], {int(k): s for k, s in meta["silhouette_by_k"].items()},
                         meta["advice"])


def faith_to_arrays(faith: Faithfulness) -> dict[str, np.ndarray]:
    """A Faithfulness as named arrays."""
    return {"k": np.asarray(faith.k), "preservation": faith.preservation, "trust": faith.trust,
            "trust_rows": faith.trust_rows, "exact": np.asarray(faith.exact_neighbours)}


def faith_from_arrays(arrays: Arrays) -> Faithfulness:
    """The Faithfulness `faith_to_arrays` kept."""
    assert isinstance(arrays, dict)
    return Faithfulness(int(arrays["k"]), arrays["preservation"], arrays["trust"], arrays["trust_rows"],
                        bool(arrays["exact"]))
