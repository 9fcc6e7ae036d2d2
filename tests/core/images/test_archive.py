"""Image archives in: labels from folders, metadata joined, and bad input refused or excluded with its reason."""
from __future__ import annotations

import stat
import zipfile

import numpy as np
import pytest
from PIL import Image

from core.data.loaders import load_path
from core.data.loaders.images import ArchiveCaps, load_image_archive
from core.errors import DataError
from tests.core.images.pictures import encoded, patch, two_folders, zip_bytes


def test_folders_become_labels_and_rows_carry_their_size():
    heard = []
    dataset = load_image_archive(zip_bytes(two_folders(3)), "photos.zip", progress=lambda *a: heard.append(a))
    assert heard == [(0, 6)]
    assert dataset.kind == "image" and dataset.text_column == "path" and not dataset.generated_labels
    assert dataset.frame["label"].tolist() == ["china"] * 3 + ["flower"] * 3
    assert (dataset.frame[["width", "height"]].to_numpy() == 96).all()
    assert dataset.payload.names == dataset.frame["path"].tolist()


def test_metadata_csv_inside_or_beside_is_joined_by_file_name():
    files = two_folders(2)
    table = b"file,photographer\n0.png,Ann\n1.png,Bo\n"
    inside = load_image_archive(zip_bytes({**files, "photos/meta.csv": table}), "p.zip")
    beside = load_image_archive(zip_bytes(files), "p.zip", table, metadata_name="meta.csv")
    for dataset in (inside, beside):
        assert dataset.frame["photographer"].tolist() == ["Ann", "Bo", "Ann", "Bo"]
    full_paths = b"path,score\nphotos/china/0.png,1\nphotos/flower/1.png,2\n"
    joined = load_image_archive(zip_bytes(files), "p.zip", full_paths)
    assert joined.frame["score"].iloc[0] == 1 and np.isnan(joined.frame["score"].iloc[1])
    assert joined.frame["score"].iloc[3] == 2


def test_zip_slip_is_refused():
    for name in ("../evil.png", "/etc/evil.png", "a/../../evil.png", "C:/evil.png"):
        with pytest.raises(DataError, match="zip-slip"):
            load_image_archive(zip_bytes({"ok.png": encoded(patch("china", 0)), name: encoded(patch("china", 1))}),
                               "x.zip")


def test_zip_bombs_are_refused_by_count_size_and_ratio():
    files = two_folders(2)
    with pytest.raises(DataError, match="4 files"):
        load_image_archive(zip_bytes(files), "x.zip", caps=ArchiveCaps(max_files=3))
    with pytest.raises(DataError, match="uncompressed"):
        load_image_archive(zip_bytes(files), "x.zip", caps=ArchiveCaps(max_total_bytes=1000))
    flat = encoded(Image.new("RGB", (2000, 2000), "white"), "BMP")  # 12 MB that deflates to almost nothing
    with pytest.raises(DataError, match="zip bomb"):
        load_image_archive(zip_bytes({"white.bmp": flat}), "x.zip")


def test_bad_files_are_excluded_with_their_reasons():
    good, png = encoded(patch("flower", 3), "JPEG"), encoded(patch("flower", 4))
    scrambled = png[:80] + bytes(b ^ 0xFF for b in png[80:400]) + png[400:]  # a PNG whose pixel data is damaged
    files = {"a/good.jpg": good, "a/corrupt.png": scrambled,
             "a/truncated.jpg": good[: len(good) // 2], "a/renamed.png": b"just some text, not a picture",
             "a/drawing.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a/readme.txt": b"ignored"}
    dataset = load_image_archive(zip_bytes(files), "x.zip")
    assert dataset.frame["path"].tolist() == ["a/good.jpg"]
    reasons = dict(zip([r.rsplit(": ", 1)[1] for r in dataset.excluded.reasons],
                       [r.rsplit(": ", 1)[0] for r in dataset.excluded.reasons]))
    assert reasons == {"a/corrupt.png": "a corrupt or truncated image", "a/truncated.jpg": "a corrupt or truncated image",
                       "a/renamed.png": "not an image", "a/drawing.svg": "an SVG drawing (vector images are not read)"}


def test_pillow_decompression_bomb_limit_stays_on(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50 * 50)
    files = {"small.png": encoded(patch("china", 0, size=40)), "big.png": encoded(patch("china", 0, size=96))}
    dataset = load_image_archive(zip_bytes(files), "x.zip")
    assert dataset.frame["path"].tolist() == ["small.png"]
    assert "decompression-bomb" in dataset.excluded.reasons[0]


def test_zero_usable_images_is_one_sentence():
    with pytest.raises(DataError, match="no usable image") as err:
        load_image_archive(zip_bytes({"a.png": b"nope", "b.txt": b"x"}), "empty.zip")
    assert "\n" not in str(err.value)
    with pytest.raises(DataError, match="readable .zip"):
        load_image_archive(b"not a zip at all", "x.zip")


def test_symlinks_are_not_followed(tmp_path):
    buffer = zipfile.ZipInfo("link.png")
    buffer.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = zip_bytes(two_folders(1))
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as archive:
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as source:
            for info in source.infolist():
                archive.writestr(info, source.read(info))
        archive.writestr(buffer, "/etc/passwd")
    dataset = load_path(tmp_path / "x.zip")
    assert "link.png" not in dataset.frame["path"].tolist() and len(dataset) == 2
    assert any("symbolic link" in r for r in dataset.excluded.reasons)
    folder = tmp_path / "folder" / "cats"
    folder.mkdir(parents=True)
    (folder / "one.png").write_bytes(encoded(patch("china", 2)))
    secret = tmp_path / "secret.png"
    secret.write_bytes(encoded(patch("flower", 2)))
    (folder / "two.png").symlink_to(secret)
    loaded = load_path(tmp_path / "folder")
    assert loaded.frame["path"].tolist() == ["cats/one.png"]
    assert loaded.excluded.reasons == ["a symbolic link (not followed): cats/two.png"]


def _exif_rotated() -> bytes:
    """A 60 x 30 JPEG whose EXIF says: turn me 90 degrees (so it is 30 x 60 upright)."""
    image = Image.new("RGB", (60, 30), "red")
    exif = image.getexif()
    exif[0x0112] = 6
    return encoded(image, "JPEG", exif=exif.tobytes())


def test_exif_rotation_and_modes_are_converted():
    modes = {
        "cmyk.jpg": encoded(Image.new("CMYK", (20, 10), (0, 255, 255, 0)), "JPEG"),
        "palette.png": encoded(Image.new("RGB", (20, 10), "blue").convert("P")),
        "sixteen.png": encoded(Image.fromarray(np.full((10, 20), 65535, dtype=np.uint16))),
        "alpha.png": encoded(Image.new("RGBA", (20, 10), (0, 0, 0, 0))),
        "rotated.jpg": _exif_rotated(),
    }
    dataset = load_image_archive(zip_bytes(modes), "modes.zip")
    rows = {p: i for i, p in enumerate(dataset.frame["path"])}
    assert dataset.frame.loc[rows["rotated.jpg"], ["width", "height"]].tolist() == [30, 60]
    files = dataset.payload
    for name in modes:
        assert files.open(rows[name]).mode == "RGB"
    centre = {name: files.open(rows[name]).getpixel((5, 5)) for name in modes}
    assert centre["cmyk.jpg"][0] > 200 and max(centre["cmyk.jpg"][1:]) < 60  # CMYK magenta+yellow: red
    assert centre["palette.png"] == (0, 0, 255)
    assert centre["sixteen.png"] == (255, 255, 255)
    assert centre["alpha.png"] == (255, 255, 255)  # transparent composited on white
    assert files.open(rows["rotated.jpg"]).size == (30, 60)
