"""Texts longer than the model's window: say how many and what is cut, choose truncate or chunk, list the longest."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.setting_widgets import setting_widget
from components.state import DataChoice
from core.embedding.windows import LONG_TEXTS, OVERLAP, WindowReport, windows_needed
from core.errors import UserError

LONGEST_SHOWN = 10
CALIBRATION_TEXTS = 8
PREVIEW_CHARS = 200


def chunking_estimate(report: WindowReport, texts: list[str], model: str, overlap: int) -> str:
    """How many windows chunking makes and about how long embedding them takes here."""
    n_windows = windows_needed(report.counts, report.size, overlap)
    tokens = float(report.counts.sum()) + (n_windows - len(report.counts)) * min(overlap, report.size // 2)
    sample = [texts[i] for i in np.argsort(-report.counts, kind="stable")[:CALIBRATION_TEXTS]]
    seconds = tokens / seam.token_rate(model, sample)
    took = f"about {seconds / 60:.0f} min" if seconds >= 90 else f"about {max(seconds, 1):.0f} s"
    return f"{n_windows:,} windows, {took} on this machine (less for windows already in the cache)"


def longest_table(report: WindowReport, texts: list[str]) -> pd.DataFrame:
    """The longest texts that run over: row, tokens, tokens cut and the start of the text."""
    rows = report.longest(LONGEST_SHOWN)
    counts = report.counts[rows]
    return pd.DataFrame({"row": rows, "tokens": counts, "tokens past the window": counts - report.size,
                         "text": [texts[i][:PREVIEW_CHARS] for i in rows]})


def _say_what_is_cut(report: WindowReport, choice: DataChoice, texts: list[str]) -> None:
    """The warning (with a chunking estimate when many texts run over) or a caption when few do."""
    text = (f"{report.n_over:,} of {len(report.counts):,} texts are longer than this model's {report.max_tokens}-token "
            f"window. Cut at the window, {report.lost_share:.0%} of their tokens are not embedded.")
    if report.suggest_chunking:
        estimate = chunking_estimate(report, texts, choice.model, OVERLAP.default)
        st.warning(f"{text} Choose **{LONG_TEXTS.choice_label('chunk')}** below to embed all of every text: "
                   f"{estimate}.", icon=":material/content_cut:")
    else:
        st.caption(text)


def long_texts_panel(choice: DataChoice) -> DataChoice:
    """For a model with a token window: what is cut, the choice of what long texts become; the choice with it."""
    try:
        with st.spinner("Counting the tokens of every text against the model's window…"):
            report = seam.window_report(choice)
    except UserError:  # a model that cannot load is reported when it embeds
        report = None
    if report is None or not report.n_over:
        return choice
    texts = seam.raw_dataset(choice).texts
    _say_what_is_cut(report, choice, texts)
    with st.expander(f"The longest texts ({min(report.n_over, LONGEST_SHOWN)} of {report.n_over:,} that run over)"):
        st.dataframe(longest_table(report, texts), hide_index=True, key="ee_long_texts_table",
                     column_config={"text": st.column_config.TextColumn(width="large")})
    c1, c2 = st.columns([2, 1])
    with c1:
        mode = setting_widget(LONG_TEXTS) or LONG_TEXTS.default
    overlap = OVERLAP.default
    if mode == "chunk":
        with c2:
            overlap = int(setting_widget(OVERLAP))
        st.caption("Each long text is split into windows that fit the model, ending at sentence ends where "
                   "possible; every window is embedded and the text's vector is their mean. Search names the "
                   "window that matched.")
    return DataChoice(choice.source, choice.dataset, choice.size, choice.model, mode, overlap)
