"""Which window of a chunked text matched a query, and that passage marked inside its text."""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.embedding.encode import Windows
from core.vectors import cosine

OPEN, CLOSE = "⟦", "⟧"
CONTEXT_CHARS = 60


def best_window(windows: Windows, row: int, query: np.ndarray) -> tuple[int, float]:
    """(index of text `row`'s window most similar to the query, its cosine similarity)."""
    sims = cosine(np.asarray(query, dtype=np.float32), windows.of(row))
    best = int(np.argmax(sims))
    return best, float(sims[best])


def marked(text: str, span: tuple[int, int], context: int = CONTEXT_CHARS) -> str:
    """The window between markers, with a little of the text on either side."""
    start, end = span
    before = text[max(0, start - context):start]
    after = text[end:end + context]
    lead = "…" if start > context else ""
    tail = "…" if end + context < len(text) else ""
    return f"{lead}{before}{OPEN}{text[start:end]}{CLOSE}{after}{tail}"


def passage_columns(windows: Windows, texts: Sequence[str], rows: Sequence[int | None],
                    query: np.ndarray) -> pd.DataFrame:
    """Per hit: which window matched ("2 of 4"), its similarity and the marked passage (blank for unknown rows)."""
    records = []
    for row in rows:
        if row is None:
            records.append(("", np.nan, ""))
            continue
        best, sim = best_window(windows, row, query)
        n = len(windows.spans[row])
        passage = marked(texts[row], windows.spans[row][best]) if n > 1 else texts[row]
        records.append((f"{best + 1} of {n}", sim, passage))
    return pd.DataFrame(records, columns=["window", "window similarity", "passage"])


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """`text` with every character Markdown (and Streamlit's directives) would read backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def highlighted_markdown(text: str, span: tuple[int, int], context: int = CONTEXT_CHARS * 3) -> str:
    """Markdown of the passage with the window on a highlighted background, the user's text escaped."""
    start, end = span
    lead = "…" if start > context else ""
    tail = "…" if end + context < len(text) else ""
    before, after = text[max(0, start - context):start], text[end:end + context]
    return (f"{lead}{escape_markdown(before)} :orange-background[{escape_markdown(text[start:end])}] "
            f"{escape_markdown(after)}{tail}")
