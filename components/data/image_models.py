"""The Data page's model picker for image data: the image models, a local CLIP folder, and what CLIP would add."""
from __future__ import annotations

import streamlit as st

from core.data.images import IMAGE_KIND
from core.data.table import Dataset
from core.embedding.kinds import kind_model
from core.images import clip

CLIP_LABEL = "A local CLIP model folder (sentence-transformers, e.g. clip-ViT-B-32)…"
CLIP_FOLDER_LABEL = "CLIP model folder on this machine"
CLIP_PLACEHOLDER = "/models/clip-ViT-B-32"


def is_image_data(dataset: Dataset) -> bool:
    return dataset.kind == IMAGE_KIND


def custom_label(dataset: Dataset, text_label: str) -> str:
    """How the picker names the custom-model option for this data."""
    return CLIP_LABEL if is_image_data(dataset) else text_label


def clip_folder_input(key: str) -> str:
    """The local CLIP folder, as a model key (st:PATH)."""
    from components.state import persist

    path = st.text_input(CLIP_FOLDER_LABEL, **persist(key, ""), placeholder=CLIP_PLACEHOLDER)
    return f"{clip.PREFIX}{path.strip()}"


def image_model_card(model: str) -> None:
    """The chosen image model's card; for another model than CLIP, what CLIP would add and how to point at one."""
    if clip.is_clip_key(model):
        st.caption(clip.CARD)
        return
    spec = kind_model(model)
    if spec is not None:
        st.caption(spec.description)
    st.caption(f"Without CLIP, pictures are searched by pictures only. {clip.NEEDED} Choose “{CLIP_LABEL}” above.")
