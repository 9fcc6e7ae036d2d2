"""A returning visitor's first map reads vectors, token counts, projection, clusters and faithfulness from disk: no
transformer, tokenizer, torch, UMAP, scikit-learn or graph-library import."""
from __future__ import annotations

import subprocess
import sys

from core.paths import PROJECT_ROOT

HEAVY = ("torch", "transformers", "sentence_transformers", "onnxruntime", "tokenizers", "umap", "numba", "pynndescent",
         "sklearn", "scipy", "networkx")

WARM_PATH = f"""
import sys
import numpy as np
import pandas as pd
from core.data.table import Dataset
from core.embedding.cache import EmbeddingCache
from core.embedding.encode import embed_dataset
from core.embedding.models import DEFAULT_MODEL, model_id_for
from core.hashing import hash_texts
from core.maps.projection import ProjectionParams, projection_cache_path
from core.maps.clusters import ClusterSpec
from core.maps.service import MapData, MapService

texts = [f"Sentence number {{i}} about topic {{i % 7}}." for i in range(60)]
rng = np.random.default_rng(0)
EmbeddingCache().put_many(hash_texts(texts, salt=model_id_for(DEFAULT_MODEL)), rng.normal(size=(60, 384)))

def no_model():
    raise AssertionError("the model was loaded")

dataset, result = embed_dataset(Dataset("t", pd.DataFrame({{"text": texts}}), "text"), DEFAULT_MODEL,
                                get_embedder=no_model)
params = ProjectionParams()
np.save(projection_cache_path(dataset.vectors, params), rng.normal(size=(60, 2)).astype(np.float32))
service, data = MapService(), MapData.of(dataset.vectors, texts)
state = service.map_state(data, params)
extras = service.extras(data, state, ClusterSpec())  # computed on the first visit, read from disk on the next
assert result.n_cached == 60 and result.report is not None and not state.preview and state.coords.shape == (60, 2)
assert extras.clusters is not None and extras.faith is not None
print(",".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def _visit(data_dir) -> str:
    proc = subprocess.run([sys.executable, "-c", WARM_PATH], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={"PATH": "", "EE_DATA_DIR": str(data_dir), "PYTHONPATH": str(PROJECT_ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip()


def test_a_cached_map_imports_no_model_library_nor_umap_nor_sklearn(tmp_path):
    first = _visit(tmp_path).split(",")
    assert "sklearn" in first and "tokenizers" in first  # the first visit clusters the map and counts tokens
    assert _visit(tmp_path) == ""  # the next one imports none of HEAVY
