"""Image archives in: a .zip (uploaded bytes or a path) or a folder, read safely into an image dataset.

Nothing is extracted to disk and no link is followed. An archive is refused as a whole for a path that
leaves it (zip-slip) and past the caps on file count, total uncompressed size and compression ratio
(`ARCHIVE_CAPS`, the one definition). A file with an image name that does not decode as an image
(corrupt, truncated, renamed, SVG, over Pillow's decompression-bomb limit) is excluded with its reason.
"""
from __future__ import annotations

import io
import os
import stat
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from core.data.images import ImageFiles
from core.data.table import Dataset, Exclusions
from core.errors import DataError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")
IMAGE_FORMATS = frozenset({"PNG", "JPEG", "MPO", "WEBP", "GIF", "BMP", "TIFF"})
VECTOR_EXTENSIONS = (".svg", ".svgz")
METADATA_EXTENSIONS = (".csv", ".tsv")
NAME_COLUMNS = ("path", "file", "filename", "file_name", "image", "name")  # how a metadata table names its files
PROGRESS_EVERY = 64  # files checked between progress reports
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ArchiveCaps:
    """How much an archive may hold before it is refused unread."""

    max_files: int = 50_000
    max_total_bytes: int = 2 * 1024**3  # uncompressed
    max_ratio: float = 100.0  # uncompressed / compressed size of one file, checked for files above ratio_floor
    ratio_floor: int = 1024**2

    def describe(self) -> str:
        return (f"at most {self.max_files:,} files, {self.max_total_bytes / 1024**3:.0f} GiB uncompressed, "
                f"and no file compressed more than {self.max_ratio:.0f} to 1")


ARCHIVE_CAPS = ArchiveCaps()


@dataclass
class Member:
    """One file found in an archive or folder: its path inside it, and its bytes (None when not read)."""

    name: str
    data: bytes | None
    skipped: str = ""  # why it was not read (a link)


def load_image_archive(data: bytes, name: str, metadata: bytes | None = None, *, metadata_name: str = "metadata.csv",
                       caps: ArchiveCaps = ARCHIVE_CAPS, progress: Progress | None = None) -> Dataset:
    """An uploaded .zip of images as an image dataset; `metadata` is a table beside it, joined by file name.

    `progress(done, total)` hears how many files have been checked (each is decoded once)."""
    return images_dataset(read_zip(io.BytesIO(data), caps), Path(name).stem, _metadata(metadata, metadata_name),
                          progress=progress)


def load_image_path(path: str | Path, metadata_path: str | Path | None = None, *,
                    caps: ArchiveCaps = ARCHIVE_CAPS, progress: Progress | None = None) -> Dataset:
    """A .zip file or a folder of images on disk as an image dataset (with a metadata table, if given)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"File not found: {path}. Check the path and try again.")
    metadata = _metadata(Path(metadata_path).read_bytes(), Path(metadata_path).name) if metadata_path else None
    members = read_folder(path, caps) if path.is_dir() else read_zip(path, caps)
    return images_dataset(members, path.stem if path.is_file() else path.name, metadata, progress=progress)


def read_zip(source, caps: ArchiveCaps = ARCHIVE_CAPS) -> list[Member]:
    """Every file of a zip, checked against the caps and for paths that leave it before anything is read."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as err:
        raise DataError(f"This is not a readable .zip file ({err}); zip the images again and retry.") from err
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        _check_caps(len(infos), sum(i.file_size for i in infos), caps)
        members = []
        for info in infos:
            name = _safe_name(info.filename)
            if info.file_size > caps.ratio_floor and info.file_size > caps.max_ratio * max(info.compress_size, 1):
                raise DataError(f"The zip was refused: {name} expands more than {caps.max_ratio:.0f} to 1, as a zip "
                                f"bomb does. Archives may hold {caps.describe()}.")
            if stat.S_ISLNK(info.external_attr >> 16):
                members.append(Member(name, None, "a symbolic link (not followed)"))
            elif _wanted(name):
                members.append(Member(name, _read_member(archive, info)))
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A member's bytes; None when it fails its checksum or its compression is not supported."""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return None


def read_folder(folder: Path, caps: ArchiveCaps = ARCHIVE_CAPS) -> list[Member]:
    """Every file under a folder, links not followed, within the caps."""
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder. Give a folder of images or a .zip file.")
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        found += [Path(root) / f for f in sorted(files)]
        found += [Path(root) / d for d in dirs if (Path(root) / d).is_symlink()]
    _check_caps(len(found), sum(p.lstat().st_size for p in found), caps)
    members = []
    for path in found:
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            members.append(Member(name, None, "a symbolic link (not followed)"))
        elif _wanted(name):
            members.append(Member(name, path.read_bytes()))
    return members


def _check_caps(n_files: int, total: int, caps: ArchiveCaps) -> None:
    if n_files > caps.max_files or total > caps.max_total_bytes:
        raise DataError(f"The archive was refused: it holds {n_files:,} files and {total / 1024**2:,.0f} MiB "
                        f"uncompressed, and archives may hold {caps.describe()}.")


def _safe_name(name: str) -> str:
    """The member's path; an absolute path or one that climbs out of the archive refuses the archive."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise DataError(f"The zip was refused: {name!r} points outside the archive (a zip-slip path). "
                        "Zip the images again from their folder.")
    return path.as_posix()


def _wanted(name: str) -> bool:
    """Images, vector drawings (to be excluded with a reason) and metadata tables; not system clutter."""
    parts = PurePosixPath(name).parts
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return False
    return name.lower().endswith(IMAGE_EXTENSIONS + VECTOR_EXTENSIONS + METADATA_EXTENSIONS)


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of the upright image; raises ValueError with the reason when it is not a usable image."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise ValueError(f"an unsupported image format ({image.format})")
            image.load()
            return ImageOps.exif_transpose(image).size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            raise ValueError("too many pixels (Pillow's decompression-bomb limit)") from err
        except Image.UnidentifiedImageError as err:
            raise ValueError("not an image") from err
        except (OSError, SyntaxError, EOFError) as err:
            raise ValueError("a corrupt or truncated image") from err


def _exclusion(member: Member) -> str:
    """Why a member is not a row; '' when it is a usable image."""
    if member.skipped:
        return member.skipped
    if member.name.lower().endswith(VECTOR_EXTENSIONS):
        return "an SVG drawing (vector images are not read)"
    if member.data is None:
        return "a damaged or encrypted zip entry"
    try:
        image_size(member.data)
    except ValueError as err:
        return str(err)
    return ""


def images_dataset(members: list[Member], name: str, metadata: pd.DataFrame | None = None, *,
                   progress: Progress | None = None) -> Dataset:
    """The usable images as rows (path, width, height, label), the others excluded with their reasons."""
    tables = [m for m in members if m.name.lower().endswith(METADATA_EXTENSIONS) and m.data is not None]
    if metadata is None and len(tables) == 1:
        metadata = _metadata(tables[0].data, tables[0].name)
    candidates = [m for m in members if not m.name.lower().endswith(METADATA_EXTENSIONS)]
    excluded, kept, rows = Exclusions(), [], []
    for row, member in enumerate(candidates):
        if progress and row % PROGRESS_EVERY == 0:
            progress(row, len(candidates))
        reason = _exclusion(member)
        if reason:
            excluded.add(row, f"{reason}: {member.name}")
        else:
            kept.append(member)
            rows.append(row)
    if not kept:
        raise DataError(f"{name} holds no usable image ({excluded.summary() if len(excluded) else 'no image files'}); "
                        f"it needs PNG, JPEG, WebP, GIF, BMP or TIFF files.")
    frame = _frame(kept, metadata)
    frame.index = rows
    files = ImageFiles([m.name for m in kept], [m.data for m in kept if m.data is not None])
    return Dataset(name, frame, "path", excluded=excluded, payload=files,
                   description=f"{len(kept):,} images from {name}" + (f" ({len(excluded):,} files excluded)."
                                                                      if len(excluded) else "."))


def _frame(kept: list[Member], metadata: pd.DataFrame | None) -> pd.DataFrame:
    sizes = [image_size(m.data) for m in kept if m.data is not None]
    paths = [m.name for m in kept]
    frame = pd.DataFrame({"path": paths, "width": [w for w, _ in sizes], "height": [h for _, h in sizes],
                          "label": class_folders(paths)})
    return frame if metadata is None else join_metadata(frame, metadata)


def class_folders(paths: list[str]) -> list[str]:
    """Each file's class: its first folder below the folders all files share ('' for a file not in one)."""
    parts = [PurePosixPath(p).parts[:-1] for p in paths]
    shared = 0
    while all(len(p) > shared for p in parts) and len({p[shared] for p in parts}) == 1:
        shared += 1
    return [p[shared] if len(p) > shared else "" for p in parts]


def _metadata(data: bytes | None, name: str) -> pd.DataFrame | None:
    if data is None:
        return None
    from core.data.loaders.tables import read_table

    return read_table(data, name)


def join_metadata(frame: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """The metadata table's columns joined on the file name (its path in the archive, or the bare file name)."""
    column, key = _name_column(frame, metadata)
    extra = metadata.drop(columns=[column]).drop_duplicates().groupby(metadata[column].astype(str).map(key)).first()
    if "label" in extra.columns and not frame["label"].astype(bool).any():
        frame = frame.drop(columns="label")
    extra = extra.rename(columns={c: f"{c}_metadata" for c in extra.columns if c in frame.columns})
    joined = extra.reindex(frame["path"].map(key).to_numpy()).set_axis(frame.index)
    return pd.concat([frame, joined], axis=1)


def _name_column(frame: pd.DataFrame, metadata: pd.DataFrame):
    """The metadata column that names the most files, and how it names them: by their path in the archive where
    it does, else by the bare file name."""
    def full(n: str) -> str:
        return n.replace("\\", "/").removeprefix("./")

    def base(n: str) -> str:
        return PurePosixPath(full(n)).name

    candidates = [c for c in metadata.columns if str(c).lower() in NAME_COLUMNS] or list(metadata.columns[:1])
    for key in (full, base):
        matches = {c: frame["path"].map(key).isin(set(metadata[c].astype(str).map(key))).sum() for c in candidates}
        column = max(matches, key=matches.__getitem__)
        if matches[column]:
            return column, key
    raise DataError(f"The metadata table names none of the images; give it a column ({', '.join(NAME_COLUMNS)}) "
                    "holding each image's file name.")
