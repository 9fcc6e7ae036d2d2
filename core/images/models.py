"""The images models (see core.embedding.kinds for the contract): EfficientNet-Lite0, grey pixels, a local CLIP.

Vectors are cached by each image's content hash and the model, chunk by chunk, so a stopped run keeps
what it encoded. EfficientNet's raw pooled features are what is cached: the classifier head's top class
and probability are computed from them, so cached images get their predicted class too.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import numpy as np

from core.data.images import IMAGE_KIND, ImageFiles
from core.data.table import Dataset
from core.embedding.cache import EmbeddingCache
from core.embedding.encode import EmbeddingResult, l2_normalize
from core.embedding.kinds import KindModel
from core.errors import DataError
from core.hashing import hash_texts
from core.images import clip, efficientnet
from core.jobs import check

Progress = Callable[[int, int], None]
PIXELS = "pixels"
PIXELS_PX = 32
CHUNK = 32  # images decoded, encoded and cached at a time
CLIP_PREFIX = clip.PREFIX
MODELS: dict[str, KindModel] = {
    efficientnet.KEY: KindModel(efficientnet.KEY, efficientnet.TITLE, efficientnet.CARD, IMAGE_KIND),
    PIXELS: KindModel(PIXELS, f"Grey pixels ({PIXELS_PX} x {PIXELS_PX})",
                      f"A baseline anyone can reason about: each image cropped to its central square, made grey and "
                      f"shrunk to {PIXELS_PX} x {PIXELS_PX}; its {PIXELS_PX ** 2} brightness values (0-1) are the "
                      "vector. Images close here look alike pixel for pixel, not in what they show.", IMAGE_KIND),
}
DEFAULT_MODEL = efficientnet.KEY


class ImageEncoder(Protocol):
    """RGB PIL images -> raw vectors (one row per image)."""

    model_id: str
    dim: int

    def encode(self, images: list) -> np.ndarray: ...


class PixelEncoder:
    """The central square, grey, shrunk to PIXELS_PX x PIXELS_PX, as brightness values in 0-1."""

    model_id = f"{PIXELS}:{PIXELS_PX}-grey-centre-bicubic"
    dim = PIXELS_PX ** 2

    def encode(self, images: list) -> np.ndarray:
        from PIL import Image, ImageOps

        size = (PIXELS_PX, PIXELS_PX)
        return np.stack([np.asarray(ImageOps.fit(i.convert("L"), size, Image.Resampling.BICUBIC), np.float32).ravel()
                         / 255.0 for i in images])


def model_id(model_key: str) -> str:
    """The cache id of an image model, known without loading it."""
    if model_key == efficientnet.KEY:
        from core.images.fast import fast_model_id

        return fast_model_id() or efficientnet.model_id()
    if model_key == PIXELS:
        return PixelEncoder.model_id
    if clip.is_clip_key(model_key):
        return f"clip:{clip.clip_folder(model_key).resolve()}"
    raise DataError(f"Unknown image model '{model_key}'. Choose {', '.join(MODELS)} or {CLIP_PREFIX}PATH for a local "
                    "CLIP folder.")


def encoder_for(model_key: str) -> ImageEncoder:
    """The loaded encoder of an image model (EfficientNet by its fastest path that passed the gates)."""
    model_id(model_key)  # an unknown key is refused before anything loads
    if model_key == efficientnet.KEY:
        from core.images.fast import efficientnet_encoder

        return efficientnet_encoder()
    if model_key == PIXELS:
        return PixelEncoder()
    return clip.ClipEncoder(model_key)


def image_files(dataset: Dataset) -> ImageFiles:
    """The dataset's image files; one sentence when it has none."""
    if not isinstance(dataset.payload, ImageFiles):
        raise DataError(f"{dataset.name} holds no images; image models embed a .zip or folder of images.")
    return dataset.payload


def embed(dataset: Dataset, model_key: str, *, progress: Progress | None = None,
          cancel: threading.Event | None = None, cache: EmbeddingCache | None = None, normalize: bool = True,
          get_encoder: Callable[[], ImageEncoder] | None = None, **_) -> tuple[Dataset, EmbeddingResult]:
    """The image dataset with vectors from `model_key`; an image that does not decode is excluded.

    EfficientNet adds `predicted_class` and `predicted_probability` columns (the head's top ImageNet class).
    """
    files = image_files(dataset)
    cache = cache if cache is not None else EmbeddingCache()
    the_id = model_id(model_key)
    # 1. key each image by its content and the model, and take what the cache has
    keys = hash_texts(files.content_hashes(), salt=f"image\x00{the_id}")
    found = cache.get_many(list(dict.fromkeys(keys)))
    n_cached = sum(k in found for k in keys)
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    # 2. decode and encode only the images never seen with this model, caching each chunk
    if missing:
        first_row = {k: row for row, k in reversed(list(enumerate(keys)))}
        encoder = get_encoder() if get_encoder else encoder_for(model_key)
        for start in range(0, len(missing), CHUNK):
            check(cancel)
            chunk = missing[start:start + CHUNK]
            vectors = _encode_rows(files, [first_row[k] for k in chunk], encoder)
            cache.put_many(chunk, vectors)
            found.update(zip(chunk, vectors))
            if progress:
                progress(min(start + CHUNK, len(missing)), len(missing))
    # 3. assemble in row order, add what the images show, drop what did not decode
    raw = np.stack([found[k] for k in keys]).astype(np.float32)
    frame = dataset.frame.drop(columns=[efficientnet.PREDICTED_CLASS, efficientnet.PREDICTED_PROBABILITY],
                               errors="ignore")  # what an earlier model said the images show
    if model_key == efficientnet.KEY:
        frame = frame.join(efficientnet.predictions(raw))
    vectors = l2_normalize(raw) if normalize else raw
    ok = np.isfinite(vectors).all(axis=1)
    if not ok.any():
        raise DataError("None of the images could be decoded for this model; check that they open in an image viewer.")
    embedded = replace(dataset, frame=frame, vectors=None).subset(ok, reason="the image could not be decoded",
                                                                  vectors=vectors)
    return embedded, EmbeddingResult(vectors[ok], the_id, n_cached=n_cached, n_encoded=len(missing))


def _encode_rows(files: ImageFiles, rows: list[int], encoder: ImageEncoder) -> np.ndarray:
    """Raw vectors of the rows' images; a NaN row for an image that does not decode."""
    images, good = [], []
    for i, row in enumerate(rows):
        try:
            images.append(files.open(row))
            good.append(i)
        except (OSError, ValueError, SyntaxError):
            continue
    out = np.full((len(rows), encoder.dim), np.nan, dtype=np.float32)
    if images:
        out[good] = encoder.encode(images)
    return out


def embed_query_image(data: bytes, model_key: str) -> np.ndarray:
    """One query image (its file bytes) as a unit vector of `model_key`, to search an image map by."""
    from core.data.loaders.images import image_size

    try:
        image_size(data)
    except ValueError as err:
        raise DataError(f"The query is {err}; choose a PNG, JPEG, WebP, GIF, BMP or TIFF image.") from err
    query = ImageFiles(["query"], [data])
    return l2_normalize(encoder_for(model_key).encode([query.open(0)]))[0]


def embed_query_text(text: str, model_key: str) -> np.ndarray:
    """A typed query as a unit vector in a CLIP model's image space; other image models cannot read text."""
    if not clip.is_clip_key(model_key):
        raise DataError(f"A typed query can find images only with a CLIP model. {clip.NEEDED}")
    return l2_normalize(clip.ClipEncoder(model_key).encode_texts([text]))[0]
