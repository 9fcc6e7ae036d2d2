"""`python -m core map NEW.npy --transform-from OLD_MAP.parquet`: old rows first and unchanged, new rows marked."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from core.cli.commands import main
from core.maps.stable import META_KEY, MapRecipe


def test_transform_from_keeps_old_coordinates_byte_identical(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    rng = np.random.default_rng(0)
    middles = rng.normal(size=(4, 16)) * 4
    labels = rng.integers(0, 4, 460)
    X = (middles[labels] + rng.normal(size=(460, 16))).astype(np.float32)
    np.save(tmp_path / "old.npy", X[:400])
    np.save(tmp_path / "all.npy", X)
    old_map, grown_map = tmp_path / "old.parquet", tmp_path / "grown.parquet"
    assert main(["map", str(tmp_path / "old.npy"), "--out", str(old_map), "--neighbors", "10"]) == 0
    recipe = MapRecipe.from_json(pq.read_schema(old_map).metadata[META_KEY])
    assert recipe.rows == 400 and recipe.params.n_neighbors == 10
    capsys.readouterr()
    assert main(["map", str(tmp_path / "all.npy"), "--transform-from", str(old_map), "--out", str(grown_map)]) == 0
    assert "400 points kept and 60 new points placed" in capsys.readouterr().out
    old, grown = pd.read_parquet(old_map), pd.read_parquet(grown_map)
    assert len(grown) == 460 and grown["new"].tolist() == [False] * 400 + [True] * 60
    for axis in ("x", "y"):
        assert grown[axis].to_numpy()[:400].tobytes() == old[axis].to_numpy().tobytes()
    assert grown["label"].iloc[:400].tolist() == old["label"].tolist()
    # a grown map grows again: its recipe keeps the first fit
    np.save(tmp_path / "more.npy", np.concatenate([X, X[:20] + 0.01]))
    again = tmp_path / "again.parquet"
    assert main(["map", str(tmp_path / "more.npy"), "--transform-from", str(grown_map), "--out", str(again)]) == 0
    assert pd.read_parquet(again)["x"].to_numpy()[:460].tobytes() == grown["x"].to_numpy().tobytes()
    capsys.readouterr()
    assert main(["map", str(tmp_path / "old.npy"), "--transform-from", str(grown_map), "--out",
                 str(tmp_path / "x.parquet")]) == 2
    assert "fewer than" in capsys.readouterr().err
