"""Texts longer than a model's token window: how many there are, what is cut, and overlapping windows over all of it."""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core.setting import Setting

LONG_TEXTS = Setting("long_texts", "long_texts", "Long texts", "truncate", choices=("truncate", "chunk"),
                     choice_labels=("Cut at the window", "Chunk and pool"), widget="segmented",
                     help="what a text longer than the model's token window becomes: cut at the window (truncate), "
                          "or split into overlapping windows whose vectors are averaged (chunk)")
OVERLAP = Setting("overlap", "overlap", "Overlap between windows (tokens)", 32, bounds=(0, 128), widget="number",
                  help="tokens that neighbouring windows share, with chunking")
SENTENCE_ENDS = frozenset({".", "!", "?", "…", "。", "！", "？"})
SNAP_BACK = 8  # tokens a window edge may move back to land between words
SUGGEST_SHARE = 0.05  # suggest chunking when at least this share of the texts runs over the window
Span = tuple[int, int]


@dataclass(frozen=True)
class LongTexts:
    """What long texts become: `mode` is a LONG_TEXTS choice; `overlap` counts only when chunking."""

    mode: str = LONG_TEXTS.default
    overlap: int = OVERLAP.default

    def __post_init__(self) -> None:
        LONG_TEXTS.parse(self.mode)
        OVERLAP.parse(str(self.overlap))
        if self.mode != "chunk":  # one cache entry and one collection, whatever the unused overlap
            object.__setattr__(self, "overlap", OVERLAP.default)

    @property
    def chunk(self) -> bool:
        return self.mode == "chunk"

    @property
    def suffix(self) -> str:
        """Added to a model id for vectors that depend on this choice (empty for truncate: today's keys)."""
        return f"|long_texts=chunk-mean|overlap={self.overlap}" if self.chunk else ""


@dataclass(frozen=True)
class TokenWindow:
    """A model's tokenizer (a `tokenizers.Tokenizer`) and how many tokens it reads, special tokens included."""

    tokenizer: Any
    max_tokens: int
    n_special: int

    @property
    def size(self) -> int:
        """Text tokens that fit in the window."""
        return max(1, self.max_tokens - self.n_special)

    def offsets(self, texts: Sequence[str]) -> list[list[Span]]:
        """Each text's tokens as character spans (special tokens left out)."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [[tuple(o) for o in enc.offsets] for enc in encodings]

    def counts(self, texts: Sequence[str]) -> np.ndarray:
        """Tokens per text, special tokens left out."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return np.asarray([len(enc.ids) for enc in encodings], dtype=np.int64)


def _bare(tokenizer: Any) -> Any:
    """The tokenizer without padding or truncation, so counts and offsets cover the whole text."""
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _special_count(tokenizer: Any) -> int:
    return len(tokenizer.encode("", add_special_tokens=True).ids) - len(tokenizer.encode("", add_special_tokens=False).ids)


@lru_cache(maxsize=8)
def window_from_folder(folder: str) -> TokenWindow | None:
    """The window of a sentence-transformers folder, read from its files without loading the model."""
    from tokenizers import Tokenizer

    path = Path(folder)
    config, tok_file = path / "sentence_bert_config.json", path / "tokenizer.json"
    if not (config.is_file() and tok_file.is_file()):
        return None
    max_tokens = json.loads(config.read_text()).get("max_seq_length")
    if not max_tokens:
        return None
    tokenizer = _bare(Tokenizer.from_file(str(tok_file)))
    return TokenWindow(tokenizer, int(max_tokens), _special_count(tokenizer))


def window_from_model(model: Any) -> TokenWindow | None:
    """The window of a loaded SentenceTransformer (None when its tokenizer gives no character offsets)."""
    backend = getattr(getattr(model, "tokenizer", None), "backend_tokenizer", None)
    if backend is None or not getattr(model, "max_seq_length", None):
        return None
    from tokenizers import Tokenizer

    tokenizer = _bare(Tokenizer.from_str(backend.to_str()))
    return TokenWindow(tokenizer, int(model.max_seq_length), _special_count(tokenizer))


def token_window(model_key: str, get_embedder: Callable[[], Any] | None = None) -> TokenWindow | None:
    """The token window of the model named `model_key`; None for models without one (GloVe, TF-IDF, own vectors)."""
    from core.embedding.models import create_embedder, model_folder

    folder = model_folder(model_key)
    if folder is None:
        return None
    window = window_from_folder(str(folder)) if folder.is_dir() else None
    if window is not None:
        return window
    embedder = get_embedder() if get_embedder else create_embedder(model_key)
    return window_from_model(getattr(embedder, "model", None))


# ---------------------------------------------------------------------- windows over one text


def _sentence_ends(text: str, offsets: list[Span]) -> list[int]:
    """Token positions just after a sentence-ending mark (exclusive window ends)."""
    return [i + 1 for i, (s, e) in enumerate(offsets) if text[s:e] in SENTENCE_ENDS]


def _glued(offsets: list[Span], i: int) -> bool:
    """Whether token i continues the word of token i-1 (no space between them)."""
    return 0 < i < len(offsets) and offsets[i][0] == offsets[i - 1][1]


def _between_words(offsets: list[Span], i: int, floor: int) -> int:
    """i moved back (a few tokens at most, never to `floor` or below) to the start of its word."""
    j = i
    while _glued(offsets, j) and j - 1 > floor and i - j < SNAP_BACK:
        j -= 1
    return i if _glued(offsets, j) else j


def _window_end(start: int, size: int, ends: list[int], offsets: list[Span]) -> int:
    """The end of the window from `start`: the last sentence end in its second half, else between words."""
    stop = start + size
    if stop >= len(offsets):
        return len(offsets)
    inside = [e for e in ends if start + size // 2 < e <= stop]
    return inside[-1] if inside else _between_words(offsets, stop, start)


def token_ranges(text: str, offsets: list[Span], size: int, overlap: int) -> list[Span]:
    """Token ranges [start, end) of at most `size` tokens covering the text, neighbours sharing ~`overlap` tokens."""
    n = len(offsets)
    if n <= size:
        return [(0, n)]
    overlap = min(overlap, size // 2)
    ends, ranges, start = _sentence_ends(text, offsets), [], 0
    while True:
        end = _window_end(start, size, ends, offsets)
        ranges.append((start, end))
        if end >= n:
            return ranges
        start = max(_between_words(offsets, end - overlap, start), start + 1)


def window_spans(text: str, offsets: list[Span], size: int, overlap: int) -> list[Span]:
    """Character spans of the text's windows (the whole text when it fits)."""
    if len(offsets) <= size:
        return [(0, len(text))]
    return [(offsets[a][0], offsets[b - 1][1]) for a, b in token_ranges(text, offsets, size, overlap)]


def windows_needed(counts: np.ndarray, size: int, overlap: int) -> int:
    """How many windows chunking makes for texts of these token counts, without sentence snapping."""
    overlap = min(overlap, size // 2)
    extra = np.maximum(np.asarray(counts) - size, 0)
    return int(len(counts) + sum(math.ceil(x / (size - overlap)) for x in extra))


# ---------------------------------------------------------------------- what is cut


@dataclass(frozen=True)
class WindowReport:
    """How the texts of a dataset fit a model's window: token counts per text and the window size."""

    counts: np.ndarray
    size: int
    max_tokens: int
    mode: str = LONG_TEXTS.default

    @property
    def over(self) -> np.ndarray:
        return self.counts > self.size

    @property
    def n_over(self) -> int:
        return int(self.over.sum())

    @property
    def lost_share(self) -> float:
        """Of the tokens of the texts that run over, the share beyond the window."""
        long = self.counts[self.over]
        return float((long - self.size).sum() / long.sum()) if len(long) else 0.0

    def embedded_share(self, mode: str | None = None) -> float:
        """Share of all tokens that reach the model: everything when chunking."""
        total = int(self.counts.sum())
        if (mode or self.mode) == "chunk" or not total:
            return 1.0
        return float(np.minimum(self.counts, self.size).sum() / total)

    @property
    def suggest_chunking(self) -> bool:
        return self.mode != "chunk" and self.n_over >= max(1, SUGGEST_SHARE * len(self.counts))

    def longest(self, k: int = 10) -> np.ndarray:
        """Rows of the k longest texts that run over, longest first."""
        order = np.argsort(-self.counts, kind="stable")[:k]
        return order[self.over[order]]

    def sentence(self) -> str | None:
        """One sentence saying what happened to the long texts (None when every text fits)."""
        if not self.n_over:
            return None
        head = f"{self.n_over:,} of {len(self.counts):,} texts run over the model's {self.max_tokens}-token window"
        if self.mode == "chunk":
            return f"{head}; they were split into overlapping windows and every token was embedded."
        return f"{head}; {self.lost_share:.0%} of their tokens were cut and not embedded."

    def caption(self) -> str | None:
        """A few words for a page caption (None when every text fits)."""
        if not self.n_over:
            return None
        if self.mode == "chunk":
            return f"{self.n_over:,} long texts chunked into {self.max_tokens}-token windows"
        return (f"{self.n_over:,} of {len(self.counts):,} texts cut at {self.max_tokens} tokens "
                f"({self.lost_share:.0%} of their tokens not embedded)")

    def as_dict(self) -> dict[str, Any]:
        """The figures for JSON output."""
        return {"window_tokens": self.max_tokens, "texts": len(self.counts), "over_window": self.n_over,
                "lost_token_share": round(self.lost_share, 6) if self.mode != "chunk" else 0.0,
                "embedded_token_share": round(self.embedded_share(), 6), "long_texts": self.mode}


def window_report(texts: Sequence[str], window: TokenWindow, mode: str = LONG_TEXTS.default) -> WindowReport:
    """Token counts of `texts` against the window, counted with the model's own tokenizer."""
    return WindowReport(window.counts(texts), window.size, window.max_tokens, mode)


def _report_path(texts: Sequence[str], folder: Path) -> Path:
    from core.hashing import hash_params, hash_texts
    from core.paths import data_dir

    tokenizer = folder / "tokenizer.json"
    version = [tokenizer.stat().st_size, tokenizer.stat().st_mtime_ns] if tokenizer.is_file() else None
    key = {"folder": str(folder.resolve()), "tokenizer": version, "texts": hash_params(hash_texts(texts))}
    where = data_dir() / "token-counts"
    where.mkdir(parents=True, exist_ok=True)
    return where / f"{hash_params(key)}.npz"


def _report_arrays(report: WindowReport | None) -> dict[str, np.ndarray]:
    assert report is not None  # load_or_compute keeps no None
    return {"counts": report.counts, "size": np.asarray(report.size), "max_tokens": np.asarray(report.max_tokens)}


def _report_from(arrays: Any) -> WindowReport:
    return WindowReport(arrays["counts"], int(arrays["size"]), int(arrays["max_tokens"]))


def kept_window_report(texts: Sequence[str], model_key: str,
                       get_embedder: Callable[[], Any] | None = None) -> WindowReport | None:
    """`window_report` of the model's window (None: the model has none), kept on disk by model folder and texts,
    so a restart reads it without loading the tokenizer."""
    from core.disk_cache import load_or_compute
    from core.embedding.models import model_folder

    folder = model_folder(model_key)
    if folder is None:
        return None
    path = _report_path(texts, folder) if folder.is_dir() else None  # a hub id: read from the loaded model

    def count() -> WindowReport | None:
        window = token_window(model_key, get_embedder)
        return None if window is None else window_report(texts, window)

    return load_or_compute(path, count, to_arrays=_report_arrays, from_arrays=_report_from)
