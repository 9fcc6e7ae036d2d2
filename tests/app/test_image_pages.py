"""AppTest: a zip of pictures uploaded, embedded and mapped; searched by a picture; text-only pages say why not."""
from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from components.data.image_models import CLIP_LABEL
from components.data.upload import PENDING_UPLOAD
from components.state import ACTIVE, SAVED, UPLOADS, DataChoice
from core.data.table import Dataset
from core.embedding.kinds import text_only_sentence
from core.images.models import MODELS
from tests.support.tiny_images import COLOURS, image_dataset, main_colour, photo, photos_zip

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
TEXT_ONLY_PAGES = {"pages/finetune.py": "Fine-tuning", "pages/analogies.py": "Analogies",
                   "pages/bias.py": "Bias (WEAT)", "pages/contexts.py": "Words in context"}


def upload_zip(data: bytes, name: str = "photos.zip") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page("pages/data.py").run()
    at.radio(key="ee_w_source").set_value("upload").run()
    at.radio(key="ee_w_upload_kind").set_value("images").run()
    at.file_uploader(key="ee_upload_images").set_value((name, data, "application/zip")).run()
    return at.button(key="ee_upload_use_images").click().run()


def colour_of(uri: str) -> np.ndarray:
    """The colour of the patch in a data-URI picture."""
    return main_colour(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


@pytest.mark.slow
def test_zip_of_pictures_lists_excluded_files_offers_image_models_and_maps(data_dir):
    at = upload_zip(photos_zip(extra={"red/notes.png": b"not a picture", "drawing.svg": b"<svg/>"}))
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "2 row(s) excluded" in warning and "red/notes.png" in warning and "drawing.svg" in warning
    model = at.selectbox(key="ee_w_model")
    assert model.value == "efficientnet-lite0"
    assert model.options[:2] == [MODELS["efficientnet-lite0"].title, MODELS["pixels"].title]
    assert model.options[-1] == CLIP_LABEL
    assert any("CLIP" in c.value and "st:" in c.value for c in at.caption)  # what a local CLIP would add
    model.set_value("pixels").run()
    at.button(key="ee_embed").click().run()
    assert not at.exception
    assert any(s.value.startswith("12 vectors of dimension 1024") for s in at.success)
    at.switch_page("pages/map.py").run()
    assert not at.exception and len(at.get("plotly_chart")) == 1
    scripts = [h.proto.body for h in at.get("html") if "ee-hover-thumb" in h.proto.body]
    assert len(scripts) == 1 and scripts[0].count("data:image/") == 12  # every point has its hover picture


def test_zip_with_no_pictures_gets_one_sentence(data_dir):
    at = upload_zip(photos_zip(per_class=0, extra={"readme.txt": b"hello", "cat.jpg": b"not a jpeg"}), "empty.zip")
    assert not at.exception
    assert len(at.error) == 1 and "holds no usable image" in at.error[0].value
    assert at.error[0].value.count(". ") <= 1


def image_search_page(data_dir) -> AppTest:
    """The Search page on the made-up photos, embedded as grey pixels and indexed."""
    from components.data.upload import dataset_id
    from core.data.loaders.images import load_image_archive

    raw = load_image_archive(photos_zip(), "photos.zip")
    key = dataset_id(raw)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    at.session_state[UPLOADS] = {key: raw}
    at.session_state[PENDING_UPLOAD] = key
    at.session_state[ACTIVE] = DataChoice("upload", key, model="pixels")
    at.switch_page("pages/search.py").run()
    at.button(key="ee_search_index").click().run()
    assert not at.exception
    return at


def test_search_by_an_uploaded_picture_finds_its_colour_with_pictures(data_dir):
    at = image_search_page(data_dir)
    assert at.segmented_control(key="ee_w_search_mode").value == "image"
    at.file_uploader(key="ee_search_image_file").set_value(("query.png", photo("blue", 3), "image/png")).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "similarity" in d.value.columns)
    assert table["text"].iloc[0] == "blue/blue_3.png"  # the same picture is its own nearest
    top = table.head(6)
    assert (top["label"] == "blue").all()
    assert all(np.abs(colour_of(uri) - COLOURS["blue"]).max() < 30 for uri in top["image"])


def test_typed_words_on_pictures_without_clip_get_one_sentence(data_dir):
    at = image_search_page(data_dir)
    at.segmented_control(key="ee_w_search_mode").set_value("text").run()
    assert not at.exception
    assert any("only when they were embedded by a CLIP model" in i.value for i in at.info)
    assert not [d for d in at.dataframe if "similarity" in d.value.columns]


def vectors_only() -> Dataset:
    from core.data.loaders import load_npy

    buffer = io.BytesIO()
    np.save(buffer, np.eye(4, dtype=np.float32))
    return load_npy(buffer.getvalue(), name="v.npy")


@pytest.mark.parametrize("page", list(TEXT_ONLY_PAGES))
@pytest.mark.parametrize("make", [image_dataset, vectors_only], ids=["images", "vectors"])
def test_text_only_pages_stop_with_one_sentence(page, make, data_dir):
    dataset = make()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[UPLOADS] = {"k": dataset}
    at.session_state[ACTIVE] = DataChoice("upload", "k", model="precomputed")
    at.switch_page(page).run()
    assert not at.exception
    assert [i.value for i in at.info] == [text_only_sentence(TEXT_ONLY_PAGES[page], dataset)]
    assert not at.get("plotly_chart") and not at.dataframe


def test_evaluate_lists_the_misclassified_pictures_and_skips_retrieval(data_dir):
    dataset = image_dataset(per_class=10)
    flipped = dataset.frame["label"].to_numpy().copy()
    flipped[[0, 10]] = flipped[[10, 0]]  # one red called blue and one blue called red: both are misclassified
    dataset.frame["label"] = flipped
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[UPLOADS] = {"k": dataset}
    at.session_state[ACTIVE] = DataChoice("upload", "k", model="precomputed")
    at.switch_page("pages/evaluate.py").run()
    assert any("pictures have no text" in i.value for i in at.info)  # the Retrieval tab
    at.selectbox(key="ee_w_eval_label").set_value("label").run()
    at.button(key="ee_eval_labels_run").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "predicted" in d.value.columns)
    assert set(table["path"]) >= {"red/red_0.png", "blue/blue_0.png"}
    wrong = table.set_index("path").loc[["red/red_0.png", "blue/blue_0.png"]]
    assert list(wrong["label"]) == ["blue", "red"] and list(wrong["predicted"]) == ["red", "blue"]
    assert np.abs(colour_of(wrong["image"].iloc[0]) - COLOURS["red"]).max() < 30


@pytest.mark.slow
def test_digits_map_shows_each_digit_on_hover(data_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception
    scripts = [h.proto.body for h in at.get("html") if "ee-hover-thumb" in h.proto.body]
    assert len(scripts) == 1 and scripts[0].count("data:image/png;base64,") == 1797
