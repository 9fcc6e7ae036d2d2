"""EfficientNet-Lite0 run by onnxruntime, and the choice of path that embeds images.

The ONNX path is the default only while it passes the gates the text models passed: mean cosine to the torch
forward >= 0.99, top-10 neighbour overlap >= 0.9, and at least twice the torch forward's speed. Measured with
`python -m core bench --only images --json` (256 crops of the sample photos, batches of 32, 2 busy shared CPU
cores): the fp32 graph embedded 8.7 images/s against 0.84 for the torch forward (10.4x), mean cosine 1.000,
overlap 1.00; int8 weights and activations (static, per channel, calibrated on 64 of the crops) 10.6 images/s,
mean cosine 0.976, overlap 0.91. int8 fails the cosine gate, so fp32 is the default.
The graph is exported once per machine (a few seconds), named by the weights and the recipe, written atomically.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.images import efficientnet
from core.paths import data_dir, machine_dir

FAST_VARIANT: str | None = "fp32"  # None: the torch forward embeds
OPSET = 17
ONNX_DIR = "onnx"
INPUT, OUTPUT = "pixels", "features"


def fast_model_id() -> str | None:
    """The cache id of the fast path when it is the default; None when the torch forward embeds."""
    return f"{efficientnet.model_id()}:onnx-{FAST_VARIANT}" if FAST_VARIANT else None


def onnx_name(variant: str) -> str:
    """The file name of a variant: the weights and the recipe, hashed."""
    recipe = f"{efficientnet.model_id()}\n{variant}\n{OPSET}\n{INPUT}->{OUTPUT}:mean-pooled"
    return f"{efficientnet.KEY}-{variant}-{hashlib.sha256(recipe.encode()).hexdigest()[:16]}.onnx"


def fp32_path() -> Path:
    """The fp32 graph: built by `make install` (machine folder) or by an earlier load (data folder), else now."""
    for root in (machine_dir(), data_dir()):
        path = root / ONNX_DIR / onnx_name("fp32")
        if path.is_file():
            return path
    target = data_dir() / ONNX_DIR / onnx_name("fp32")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".building-") as tmp:
        export_features(Path(tmp) / "fp32.onnx")
        os.replace(Path(tmp) / "fp32.onnx", target)
    return target


def export_features(target: Path) -> None:
    """The torch network up to the pooled features, as an ONNX graph with a dynamic batch axis."""
    import torch

    class _Pooled(torch.nn.Module):
        def __init__(self, network: torch.nn.Module) -> None:
            super().__init__()
            self.network = network

        def forward(self, pixels):
            return self.network.extract_features(pixels).mean(dim=(2, 3))

    dummy = torch.zeros(2, 3, efficientnet.INPUT_PX, efficientnet.INPUT_PX)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter warns about tracing and its own deprecation
        torch.onnx.export(_Pooled(efficientnet.torch_model()).eval(), (dummy,), str(target), input_names=[INPUT],
                          output_names=[OUTPUT], dynamic_axes={INPUT: {0: "batch"}, OUTPUT: {0: "batch"}},
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)


class OnnxEncoder:
    """Images -> pooled EfficientNet-Lite0 features, by an ONNX graph of the same weights."""

    dim = efficientnet.DIM

    def __init__(self, path: Path, model_id: str) -> None:
        from core.embedding.onnx_encoder import _session

        self.model_id = model_id
        self.session = _session(path)

    def encode(self, images: list) -> np.ndarray:
        batch = np.stack([efficientnet.preprocess(i) for i in images]).astype(np.float32)
        return np.asarray(self.session.run([OUTPUT], {INPUT: batch})[0], dtype=np.float32)


@lru_cache(maxsize=1)
def efficientnet_encoder():
    """The encoder EfficientNet-Lite0 embeds with: the fast path where it is the default, else the torch forward."""
    fast_id = fast_model_id()
    if fast_id is None:
        return efficientnet.TorchEncoder()
    return OnnxEncoder(fp32_path(), fast_id)
