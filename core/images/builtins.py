"""A built-in image dataset that ships offline: square patches of scikit-learn's two sample photos."""
from __future__ import annotations

import io

from core.data.loaders.images import Member, images_dataset
from core.data.table import Dataset

PATCH_PX = 80
PHOTOS = {"china": "a Chinese building among trees", "flower": "a close-up of a flower"}


def photo_patches() -> Dataset:
    """Every whole PATCH_PX-pixel square of china.jpg and flower.jpg as a PNG, labelled by its photo."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    bunch = load_sample_images()
    members = []
    for filename, pixels in zip(bunch.filenames, bunch.images):
        photo = filename.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
        for top in range(0, pixels.shape[0] - PATCH_PX + 1, PATCH_PX):
            for left in range(0, pixels.shape[1] - PATCH_PX + 1, PATCH_PX):
                buffer = io.BytesIO()
                Image.fromarray(pixels[top:top + PATCH_PX, left:left + PATCH_PX]).save(buffer, format="PNG")
                members.append(Member(f"{photo}/y{top:03d}-x{left:03d}.png", buffer.getvalue()))
    dataset = images_dataset(members, "photo-patches")
    dataset.description = (f"{len(dataset)} patches of {PATCH_PX} x {PATCH_PX} pixels cut from the two sample photos "
                           f"that ship with scikit-learn ({PHOTOS['china']}; {PHOTOS['flower']}), labelled by "
                           "photo: a small offline demo of an image map, not a benchmark.")
    return dataset
