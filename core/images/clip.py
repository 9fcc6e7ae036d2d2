"""A local CLIP model (a sentence-transformers folder) that puts images and typed text in one space."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import ModelLoadError

PREFIX = "st:"
TITLE = "CLIP from a local folder (st:PATH)"
CARD = ("Any CLIP model saved as a sentence-transformers folder (for example clip-ViT-B-32) embeds images and "
        "typed text into one space, so a text query finds images. Its weights, licence and preprocessing are those "
        "of the folder's model; it runs offline from the folder.")
NEEDED = ("CLIP embeds images and typed text in one space, which lets a text query find images; download a "
          "sentence-transformers CLIP model (such as clip-ViT-B-32) once on a connected machine and choose "
          "st:/path/to/that/folder.")


def is_clip_key(key: str) -> bool:
    return key.startswith(PREFIX)


def clip_folder(key: str) -> Path:
    return Path(key[len(PREFIX):].strip()).expanduser()


@lru_cache(maxsize=2)
def _load(folder: str):
    """The folder's model, loaded offline; anything else is the one sentence of what CLIP would add."""
    if not folder or not (Path(folder) / "modules.json").is_file():
        raise ModelLoadError(f"No sentence-transformers model at '{folder}'. {NEEDED}")
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(folder, trust_remote_code=False, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - every loader failure gets the same user-facing sentence
        raise ModelLoadError(f"'{folder}' did not load as a CLIP model ({type(exc).__name__}). {NEEDED}") from None
    if not model.supports("image"):
        raise ModelLoadError(f"'{folder}' is a text model, not CLIP: it cannot read images. {NEEDED}")
    return model


class ClipEncoder:
    """Images (and texts) -> vectors of the folder's CLIP model."""

    def __init__(self, key: str) -> None:
        self.folder = clip_folder(key)
        self.model = _load(str(self.folder))
        self.model_id = f"clip:{self.folder.resolve()}"
        self.dim = int(self.model.get_embedding_dimension() or 0)

    def encode(self, images: list) -> np.ndarray:
        out = self.model.encode(list(images), convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        out = self.model.encode(list(texts), convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)
