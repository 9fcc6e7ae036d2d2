"""Bench section `images`: EfficientNet-Lite0 image embedding, our path against a plain torch forward.

Ours is `core.images.models.embed` (decode, preprocess, the default path, cache writes); the baseline decodes and
preprocesses the same way and runs the torch forward of the same weights at the same batch size. The fast path's
agreement with the baseline (mean cosine, top-10 neighbour overlap) is what gates it; the int8 graph's figures
are reported beside it. Peak RSS is that of a fresh interpreter embedding `rss_images` images.
"""
from __future__ import annotations

import io
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.bench.child import json_child
from core.data.table import Dataset
from core.images.models import image_files

BATCH = 32
_RSS_CHILD = """
import json
from core.bench.images import photo_crops
from core.images.models import embed
embed(photo_crops({images}), "efficientnet-lite0")
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"rss_mb": int(peak.split()[1]) / 1024}}))
"""  # VmHWM: this process's own peak (ru_maxrss would start from the forking parent's)


@dataclass(frozen=True)
class ImageSizes:
    images: int = 256  # speed and agreement
    rss_images: int = 5_000
    int8: bool = True  # also measure the int8 graph (static quantisation, calibrated on the images)


def photo_crops(n: int, px: int = 160, seed: int = 0) -> Dataset:
    """n distinct PNG crops at random places of scikit-learn's two sample photos, as an image dataset."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    from core.data.loaders.images import Member, images_dataset

    photos, rng, members = load_sample_images().images, np.random.default_rng(seed), []
    for i in range(n):
        pixels = photos[i % 2]
        top, left = rng.integers(0, pixels.shape[0] - px), rng.integers(0, pixels.shape[1] - px)
        buffer = io.BytesIO()
        Image.fromarray(pixels[top:top + px, left:left + px]).save(buffer, format="PNG")
        members.append(Member(f"photo{i % 2}/{i:05d}.png", buffer.getvalue()))
    return images_dataset(members, f"photo-crops-{n}")


def _baseline(dataset: Dataset) -> np.ndarray:
    """The plain torch forward of the same weights, same decoding and preprocessing, batches of BATCH."""
    from core.images.efficientnet import preprocess, torch_features

    files, out = image_files(dataset), []
    for start in range(0, len(dataset), BATCH):
        rows = range(start, min(start + BATCH, len(dataset)))
        out.append(torch_features(np.stack([preprocess(files.open(r)) for r in rows])))
    return np.concatenate(out)


def agreement(ours: np.ndarray, reference: np.ndarray, k: int = 10) -> tuple[float, float]:
    """Mean cosine of matching rows, and the mean share of each row's top-k neighbours the two spaces share."""
    from core.vectors import unit_rows

    a, b = unit_rows(ours), unit_rows(reference)
    k = min(k, len(a) - 1)

    def neighbours(x: np.ndarray) -> np.ndarray:
        sims = x @ x.T
        np.fill_diagonal(sims, -np.inf)
        return np.argsort(-sims, axis=1)[:, :k]

    overlap = np.mean([len(set(p) & set(q)) / k for p, q in zip(neighbours(a), neighbours(b))])
    return float((a * b).sum(axis=1).mean()), float(overlap)


def _int8(dataset: Dataset, workdir: Path, reference: np.ndarray) -> dict[str, float]:
    """The int8 graph (QDQ, per channel, calibrated on the images): its speed and agreement."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    from core.embedding.onnx_encoder import _DropMessage
    from core.images.efficientnet import preprocess
    from core.images.fast import INPUT, OnnxEncoder, fp32_path

    files = image_files(dataset)
    batches = [{INPUT: np.stack([preprocess(files.open(r)) for r in range(s, min(s + 8, len(dataset)))])}
               for s in range(0, min(len(dataset), 64), 8)]

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.left = iter(batches)

        def get_next(self):
            return next(self.left, None)

    target, quiet = workdir / "efficientnet-lite0-int8.onnx", _DropMessage("pre-processing before quantization")
    logging.getLogger().addFilter(quiet)  # onnxruntime's advice to pre-process, which the figures do not need
    try:
        quantize_static(str(fp32_path()), str(target), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8)
    finally:
        logging.getLogger().removeFilter(quiet)
    encoder = OnnxEncoder(target, "int8")
    start = time.perf_counter()
    vectors = np.concatenate([encoder.encode([files.open(r) for r in range(s, min(s + BATCH, len(dataset)))])
                              for s in range(0, len(dataset), BATCH)])
    per_s = len(dataset) / (time.perf_counter() - start)
    cosine, overlap = agreement(vectors, reference)
    return {"image_int8_per_s": per_s, "image_int8_cosine": cosine, "image_int8_knn_overlap": overlap}


def bench_images(workdir: Path, sizes: ImageSizes) -> dict[str, float]:
    from core.embedding.cache import EmbeddingCache
    from core.images.efficientnet import KEY, head_path
    from core.images.fast import ONNX_DIR, efficientnet_encoder, fp32_path, onnx_name
    from core.images.models import embed

    dataset = photo_crops(sizes.images)
    warm = photo_crops(1, seed=1)  # both paths loaded (the graph built) and run once before the clocks start
    efficientnet_encoder().encode([image_files(warm).open(0)]), _baseline(warm)
    start = time.perf_counter()
    embedded, _ = embed(dataset, KEY, cache=EmbeddingCache(workdir / "images.sqlite"), normalize=False)
    ours_per_s = len(dataset) / (time.perf_counter() - start)
    start = time.perf_counter()
    reference = _baseline(dataset)
    baseline_per_s = len(dataset) / (time.perf_counter() - start)
    cosine, overlap = agreement(embedded.require_vectors(), reference)
    figures = {"image_embed_per_s": ours_per_s, "image_embed_baseline_per_s": baseline_per_s,
               "image_embed_ratio": ours_per_s / baseline_per_s, "image_fast_cosine": cosine,
               "image_fast_knn_overlap": overlap}
    if sizes.int8:
        figures |= _int8(dataset, workdir, reference)
    rss_onnx = workdir / "rss-data" / ONNX_DIR / onnx_name("fp32")
    rss_onnx.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(fp32_path(), rss_onnx)  # the child embeds; it builds neither the graph nor the head again
    shutil.copy(head_path(), head_path(workdir / "rss-data"))
    found = json_child(["-c", _RSS_CHILD.format(images=sizes.rss_images)], workdir, "rss")
    return figures | {"image_embed_rss_mb": found["rss_mb"]}
