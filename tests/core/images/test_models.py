"""Image models: EfficientNet-Lite0 features and classes against a direct forward, pixels, CLIP, queries, cache."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image

from core.data.loaders.images import load_image_archive
from core.embedding.cache import EmbeddingCache
from core.embedding.encode import embed_dataset
from core.embedding.kinds import models_for
from core.errors import Cancelled, DataError, ModelLoadError
from core.images import efficientnet
from core.images.models import PIXELS, embed, embed_query_image, embed_query_text
from core.maps.labels import cluster_keywords, naming_texts
from tests.core.images.pictures import encoded, sample_photos, two_folders, zip_bytes


@pytest.fixture(scope="module")
def photos():
    return load_image_archive(zip_bytes(two_folders(2)), "photos.zip")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return EmbeddingCache(tmp_path_factory.mktemp("images") / "cache.sqlite")


def _direct_forward(images):
    """The oracle: the weights loaded afresh, the plain forward, pooled by torch's own adaptive pooling."""
    import torch
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_pretrained(efficientnet.KEY, weights_path=str(efficientnet.weights_path())).eval()
    batch = torch.from_numpy(np.stack([efficientnet.preprocess(i) for i in images]))
    with torch.no_grad():
        pooled = torch.nn.functional.adaptive_avg_pool2d(model.extract_features(batch), 1).flatten(1)
        probs = torch.softmax(model(batch), dim=1)
    return pooled.numpy(), probs.numpy()


@pytest.fixture(scope="module")
def direct(photos):
    return _direct_forward([photos.payload.open(r) for r in range(len(photos))])


def test_torch_path_features_equal_a_direct_forward(photos, direct, tmp_path):
    embedded, _ = embed(photos, efficientnet.KEY, cache=EmbeddingCache(tmp_path / "c.sqlite"), normalize=False,
                        get_encoder=efficientnet.TorchEncoder)
    np.testing.assert_allclose(embedded.vectors, direct[0], atol=1e-5)


def test_default_path_features_and_classes_equal_a_direct_forward(photos, direct, cache):
    embedded, result = embed(photos, efficientnet.KEY, cache=cache, normalize=False)
    features, probs = direct
    assert embedded.vectors.shape == (4, 1280)
    np.testing.assert_allclose(embedded.vectors, features, atol=1e-4)  # the ONNX graph: float sums in another order
    names = efficientnet.class_names()
    assert embedded.frame["predicted_class"].tolist() == [names[i] for i in probs.argmax(axis=1)]
    np.testing.assert_allclose(embedded.frame["predicted_probability"], probs.max(axis=1), atol=1e-4)
    assert result.n_encoded == 4 and result.n_cached == 0


def test_cached_images_keep_their_classes_and_are_not_encoded_again(photos, cache):
    first, _ = embed(photos, efficientnet.KEY, cache=cache)
    again, result = embed(photos, efficientnet.KEY, cache=cache, get_encoder=lambda: pytest.fail("encoded again"))
    assert result.n_cached == 4 and result.n_encoded == 0
    np.testing.assert_array_equal(first.vectors, again.vectors)
    assert again.frame["predicted_class"].tolist() == first.frame["predicted_class"].tolist()
    np.testing.assert_allclose(np.linalg.norm(again.vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("photo, plausible", [
    ("china", {"bell cote", "palace", "monastery", "boathouse", "church", "stupa", "dome", "castle", "lakeside",
               "mosque", "triumphal arch", "pedestal", "planetarium", "obelisk", "cliff dwelling"}),
    ("flower", {"daisy", "bee", "pot", "vase", "hip", "cardoon", "sulphur butterfly", "ant", "fly", "lacewing",
                "yellow lady's slipper", "rapeseed", "hummingbird", "admiral", "honeycomb"}),
])
def test_class_of_a_known_photo_is_plausible(photo, plausible, cache):
    dataset = load_image_archive(zip_bytes({f"{photo}.jpg": encoded(Image.fromarray(sample_photos()[photo]),
                                                                     "JPEG")}), "one.zip")
    embedded, _ = embed(dataset, efficientnet.KEY, cache=cache)
    assert embedded.frame["predicted_class"].iloc[0] in plausible
    assert embedded.frame["predicted_probability"].iloc[0] > 0.1


def test_pixels_are_the_grey_centre_shrunk(photos, cache):
    embedded, _ = embed_dataset(photos, PIXELS, cache=cache, normalize=False)
    grey = np.asarray(photos.payload.open(0).convert("L").resize((32, 32), Image.Resampling.BICUBIC), np.float32)
    np.testing.assert_allclose(embedded.vectors[0], grey.ravel() / 255.0, atol=1e-6)  # square patches: no crop
    assert "predicted_class" not in embedded.frame


def test_efficientnet_is_the_default_for_images(photos):
    assert models_for(photos)[:2] == [efficientnet.KEY, PIXELS]


def test_query_image_lands_on_its_own_row(photos, cache):
    embedded, _ = embed(photos, efficientnet.KEY, cache=cache)
    query = embed_query_image(photos.payload.blobs[2], efficientnet.KEY)
    assert int(np.argmax(embedded.vectors @ query)) == 2
    np.testing.assert_allclose(query, embedded.vectors[2], atol=1e-5)
    with pytest.raises(DataError, match="not an image"):
        embed_query_image(b"plain text", efficientnet.KEY)


def test_text_queries_and_clip_say_what_clip_adds(tmp_path):
    with pytest.raises(DataError, match="CLIP"):
        embed_query_text("a temple", efficientnet.KEY)
    for key in (f"st:{tmp_path / 'missing'}", f"st:{tmp_path}"):
        with pytest.raises(ModelLoadError) as err:
            embed_query_text("a temple", key)
        assert "one space" in str(err.value) and "st:/path" in str(err.value) and "\n" not in str(err.value)


def test_cancel_stops_between_chunks(photos, tmp_path):
    stop, cache = threading.Event(), EmbeddingCache(tmp_path / "c.sqlite")
    stop.set()
    with pytest.raises(Cancelled):
        embed(photos, PIXELS, cache=cache, cancel=stop)
    assert len(cache) == 0


def test_clusters_are_named_by_what_the_images_show(cache):
    twice = {f"{photo}/{i}.png": encoded(Image.fromarray(sample_photos()[photo][:200, :200])) for photo in
             ("china", "flower") for i in range(2)}
    embedded, _ = embed(load_image_archive(zip_bytes(twice), "twice.zip"), efficientnet.KEY, cache=cache)
    words = naming_texts(embedded)
    assert words == embedded.frame["predicted_class"].tolist() and words[0] == words[1]
    keywords = cluster_keywords(words, np.array([0, 0, 1, 1]))
    assert keywords[0] and set(keywords[0]) <= set(words[0].lower().split())
