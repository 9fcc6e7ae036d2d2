"""The command line on a zip of images: embed counts what was kept and left out, evaluate compares image models."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.core.images.pictures import two_folders, zip_bytes

ROOT = Path(__file__).resolve().parents[3]


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_embed_then_evaluate_a_zip_of_photos(tmp_path):
    photos = tmp_path / "photos.zip"
    photos.write_bytes(zip_bytes({**two_folders(5), "photos/broken.png": b"not a picture"}))
    env = dict(os.environ)  # the session's data folder: evaluate reuses the vectors embed cached
    out = tmp_path / "v.npy"
    embedded = run_cli("embed", photos, "--model", "efficientnet-lite0", "--out", out, "--format", "json", env=env)
    assert embedded.returncode == 0, embedded.stderr
    summary = json.loads(embedded.stdout)
    assert (summary["vectors"], summary["excluded"], summary["dimension"]) == (10, 1, 1280)
    assert "not an image: photos/broken.png" in embedded.stderr
    vectors = np.load(out, allow_pickle=False)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    meta = pd.read_parquet(summary["metadata_out"])
    assert {"path", "label", "predicted_class", "predicted_probability"} <= set(meta.columns)
    assert meta["label"].tolist() == ["china"] * 5 + ["flower"] * 5
    assert meta["predicted_probability"].between(0, 1).all()

    evaluated = run_cli("evaluate", photos, "--model", "efficientnet-lite0", "pixels", "--label-column", "label",
                        "--format", "json", env=env)
    assert evaluated.returncode == 0, evaluated.stderr
    models = {m["model"]: m["labels"] for m in json.loads(evaluated.stdout)["models"]}
    assert set(models) == {"efficientnet-lite0", "pixels"}
    for figures in models.values():
        for name in ("knn_accuracy", "logreg_accuracy"):
            assert figures[f"{name}_low"] <= figures[name] <= figures[f"{name}_high"]
        assert figures["points"] == 10
