"""Asking a map of images: with a picture the user uploads, or with typed words when the images were embedded by CLIP."""
from __future__ import annotations

import numpy as np
import streamlit as st

from components.data.image_models import is_image_data
from components.state import DataChoice, persist
from core.data.table import Dataset
from core.embedding.kinds import KIND_MODULES

PICTURE_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"]
TEXT_MODES = {"text": "Text", "point": "A point", "vector": "A vector file"}
IMAGE_MODES = {"image": "A picture", "point": "A point", "text": "Text (CLIP)", "vector": "A vector file"}
POINT_MODES = {"point": "A point", "vector": "A vector file"}  # rows no text model can ask (graphs, tables)
QUERY_PREVIEW_PX = 160


def search_modes(dataset: Dataset) -> dict[str, str]:
    """The ways to ask this data, the usual one first."""
    if is_image_data(dataset):
        return IMAGE_MODES
    return POINT_MODES if dataset.kind in KIND_MODULES else TEXT_MODES


def picture_query(choice: DataChoice) -> tuple[np.ndarray, str, str] | None:
    """(vector, label, model id) of an uploaded picture, embedded by the map's model; None until one is uploaded."""
    from core.images.models import embed_query_image, model_id

    file = st.file_uploader("A picture to search with", type=PICTURE_TYPES, key="ee_search_image_file")
    if file is None:
        return None
    data = file.getvalue()
    with st.spinner("Embedding the picture…"):
        vector = embed_query_image(data, choice.model)
    st.image(data, width=QUERY_PREVIEW_PX, caption=file.name)
    return vector, file.name, model_id(choice.model)


def typed_picture_query(choice: DataChoice) -> tuple[np.ndarray, str, str] | None:
    """(vector, label, model id) of typed words in a CLIP model's image space; a sentence instead for other models."""
    from core.images import clip
    from core.images.models import embed_query_text, model_id

    if not clip.is_clip_key(choice.model):
        st.info(f"Typed words can find pictures only when they were embedded by a CLIP model. {clip.NEEDED}")
        return None
    text = st.text_input("Search for", placeholder="e.g. a dog on a beach",
                         **persist("ee_w_search_text", "", live=True))
    if not text.strip():
        return None
    with st.spinner("Embedding the words…"):
        vector = embed_query_text(text.strip(), choice.model)
    return vector, text, model_id(choice.model)
