"""Decode file bytes to text: BOMs, UTF-8, then a guessed legacy encoding; refuse binary data."""
from __future__ import annotations

import codecs
import re

import charset_normalizer
from charset_normalizer.md import mess_ratio

from core.errors import DataError

_SAVE_AS_UTF8 = "Re-save it as UTF-8 (in Excel: Save As > CSV UTF-8) and try again."
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """Decode file bytes to text; return (text, name of the encoding used)."""
    if not data:
        raise DataError(f"{filename} is empty. Choose a file that contains data.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data, encoding, filename), encoding
    if b"\x00" in data:
        raise _binary(data, filename)
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _detect_encoding(data, filename)
    if _looks_binary(text):
        raise _binary(data, filename)
    return text, encoding


def _decode_strict(data: bytes, encoding: str, filename: str) -> str:
    """Decode with a known encoding, turning decode errors into a DataError."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise DataError(
            f"{filename} starts with a {encoding} marker but is not valid {encoding} "
            f"(bad bytes at position {err.start}). {_SAVE_AS_UTF8}"
        ) from None


def _detect_encoding(data: bytes, filename: str) -> tuple[str, str]:
    """Guess a legacy encoding, preferring cp1252 when it reads as cleanly as the best guess."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise _not_text(filename)
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and mess_ratio(western[:100_000], 1.0) <= max(best.chaos, 0.1) + 1e-9:
        return western, "cp1252"
    return str(best), best.encoding


def _looks_binary(text: str) -> bool:
    """True when more than 1% of the characters are control characters."""
    return len(_CONTROL_CHARS.findall(text)) > max(1, len(text) // 100)


def _not_text(filename: str) -> DataError:
    return DataError(f"{filename} is not text in a known encoding. {_SAVE_AS_UTF8}")


_KINDS = ((b"PK\x03\x04", "a zip archive or an Excel/Office file (.xlsx)"), (b"%PDF", "a PDF document"),
          (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"\x1f\x8b", "a gzip archive"),
          (b"\xd0\xcf\x11\xe0", "an old Excel/Office file (.xls)"), (b"\x93NUMPY", "a NumPy array"))


def _binary(data: bytes, filename: str) -> DataError:
    """The error for binary data, naming what the file seems to be."""
    kind = next((name for magic, name in _KINDS if data.startswith(magic)), "binary data")
    hint = "Upload it with a .npy name. " if kind == "a NumPy array" else ""
    return DataError(f"{filename} is not text or a table file: it looks like {kind}. {hint}Upload a CSV, TSV, "
                     "JSON, JSON Lines, Parquet or plain-text file (save a spreadsheet as CSV), or vectors as .npy.")
