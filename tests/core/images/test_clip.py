"""A local CLIP folder: images and typed text in one space (a tiny random CLIP built here, saved as a folder)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.data.loaders.images import load_image_archive
from core.embedding.cache import EmbeddingCache
from core.images.models import embed, embed_query_image, embed_query_text
from tests.core.images.pictures import two_folders, zip_bytes


@pytest.fixture(scope="module")
def clip_folder(tmp_path_factory):
    """A sentence-transformers CLIP folder with random weights: 8-d, 32-pixel images, a few words."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Transformer
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer

    root = tmp_path_factory.mktemp("clip")
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for piece in [*"abcdefghijklmnopqrstuvwxyz", *(f"{c}</w>" for c in "abcdefghijklmnopqrstuvwxyz")]:
        vocab[piece] = len(vocab)
    (root / "vocab.json").write_text(json.dumps(vocab))
    (root / "merges.txt").write_text("#version: 0.2\n")
    processor = CLIPProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": 32},
                                                                 crop_size={"height": 32, "width": 32}),
                              tokenizer=CLIPTokenizer(str(root / "vocab.json"), str(root / "merges.txt")))
    small = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2)
    config = CLIPConfig(text_config=dict(vocab_size=len(vocab), max_position_embeddings=64, **small),
                        vision_config=dict(image_size=32, patch_size=8, **small), projection_dim=8)
    CLIPModel(config).save_pretrained(root / "hf")
    processor.save_pretrained(root / "hf")
    SentenceTransformer(modules=[Transformer(str(root / "hf"))]).save(str(root / "st"))
    return root / "st"


@pytest.mark.slow
def test_clip_embeds_images_and_text_in_one_space(clip_folder, tmp_path):
    key = f"st:{clip_folder}"
    photos = load_image_archive(zip_bytes(two_folders(2)), "photos.zip")
    embedded, result = embed(photos, key, cache=EmbeddingCache(tmp_path / "c.sqlite"))
    assert embedded.vectors.shape == (4, 8) and result.model_id.startswith("clip:")
    assert "predicted_class" not in embedded.frame
    text = embed_query_text("a temple", key)
    assert text.shape == (8,) and np.isclose(np.linalg.norm(text), 1.0, atol=1e-5)
    query = embed_query_image(photos.payload.blobs[1], key)
    np.testing.assert_allclose(query, embedded.vectors[1], atol=1e-5)
