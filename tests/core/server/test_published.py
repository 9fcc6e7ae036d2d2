"""Published maps: the files `python -m core map --out NAME.parquet` writes, read back as data to show."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from core.errors import DataError
from core.maps.export import export_frame, to_parquet_bytes
from core.server.published import load_published, published_maps


def _publish(folder, name: str, n: int = 30) -> np.ndarray:
    coords = np.random.default_rng(0).normal(size=(n, 2))
    frame = pd.DataFrame({"text": [f"row {i}" for i in range(n)], "group": ["a", "b"] * (n // 2)})
    (folder / f"{name}.parquet").write_bytes(to_parquet_bytes(export_frame(frame, coords)))
    return coords


def test_a_published_map_reads_back_with_its_coordinates_as_vectors(tmp_path):
    coords = _publish(tmp_path, "talk-2026")
    data = load_published(tmp_path, "talk-2026")
    np.testing.assert_allclose(data.vectors, coords.astype(np.float32))
    assert data.texts[:2] == ["row 0", "row 1"] and list(data.frame.columns) == ["text", "group"]


def test_a_map_without_a_text_column_shows_its_first_text_column(tmp_path):
    coords = np.zeros((4, 2))
    frame = pd.DataFrame({"count": [1, 2, 3, 4], "label": ["digit 0", "digit 1", "digit 2", "digit 3"]})
    (tmp_path / "labels.parquet").write_bytes(to_parquet_bytes(export_frame(frame, coords)))
    assert load_published(tmp_path, "labels").texts == ["digit 0", "digit 1", "digit 2", "digit 3"]
    (tmp_path / "numbers.parquet").write_bytes(to_parquet_bytes(export_frame(frame[["count"]], coords)))
    with pytest.raises(DataError, match="no text column"):
        load_published(tmp_path, "numbers")


def test_only_plain_parquet_files_with_plain_names_are_offered(tmp_path):
    _publish(tmp_path, "ok")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.parquet"
    _publish(tmp_path.parent, f"{tmp_path.name}-outside")
    os.symlink(outside, tmp_path / "linked.parquet")
    (tmp_path / "notes.txt").write_text("not a map")
    (tmp_path / "-dash.parquet").write_bytes(b"")
    assert list(published_maps(tmp_path)) == ["ok"]
    assert published_maps(None) == {} and published_maps(tmp_path / "missing") == {}
    for name in ("linked", "../ok", "notes", "missing"):
        with pytest.raises(DataError, match="no published map"):
            load_published(tmp_path, name)


def test_a_link_names_a_published_map_by_a_plain_name_only():
    from core.maps.view_state import ViewState, decode_view, encode_view

    view = ViewState(source="published", dataset="talk-2026")
    assert encode_view(view)["data"] == "published:talk-2026"
    assert decode_view(encode_view(view)) == (view, [])
    for hostile in ("published:../secret", "published:/etc/passwd", "published:", "published:a b", "published:.x"):
        decoded, dropped = decode_view({"data": hostile})
        assert decoded.source == "builtin" and dropped == ["data"], hostile
