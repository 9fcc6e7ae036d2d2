"""The word-in-context view: the word and its source, the suggestions, and the results."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.contexts import seam as ctx_seam
from components.downloads import csv_download
from components.state import persist
from core.contexts.analysis import BASELINE_TEXTS, CITATION, WordInContext, analyse_word
from core.contexts.figures import occurrence_figure, static_figure
from core.contexts.occurrences import split_sentences
from core.contexts.senses import senses_note
from core.hashing import hash_texts

WORD = "ee_w_ctx_word"
SOURCE = "ee_w_ctx_source"
TYPED = "ee_w_ctx_typed"
PICK = "ee_ctx_pick"
RESULT = "ee_ctx_result"
RUN = "ee_ctx_run"
SOURCES = ("data", "typed")
MIN_BASELINE_TEXTS = 50  # fewer texts than this give too few random tokens for a baseline
MARKDOWN_CHARS = set("\\`*_{}[]<>()#+-.!|~$:")
EXAMPLE_SENTENCES = "\n".join([
    "The river bank was muddy after the rain.", "They sat on the grassy bank of the stream.",
    "We walked along the bank of the river at dawn.", "The boat drifted toward the far bank of the lake.",
    "The bank raised interest rates again.", "She deposited her salary at the bank.",
    "The bank approved the loan for the new house.", "He works as a teller at a bank downtown.",
])


@dataclass(frozen=True)
class Source:
    """The texts searched, a key naming them, and how to say what they are."""

    texts: tuple[str, ...]
    key: str
    label: str

    @property
    def typed(self) -> bool:
        return self.key.startswith("typed:")


def source_picker(data_texts: list[str], data_title: str) -> Source:
    """Radio between the current data and typed sentences (a text area, one sentence per line)."""
    labels = {"data": f"Current data: {data_title}", "typed": "Sentences I type"}
    kind = st.radio("Look in", SOURCES, format_func=labels.get, horizontal=True, **persist(SOURCE, "data",
                                                                                              options=SOURCES))
    if kind == "data":
        return Source(tuple(data_texts), "data:" + digest(data_texts), data_title)
    typed = st.text_area("Sentences, one per line", height=180, **persist(TYPED, EXAMPLE_SENTENCES))
    sentences = tuple(split_sentences(typed))
    return Source(sentences, "typed:" + digest(sentences), "the sentences typed")


def digest(texts) -> str:
    """A short hash naming a list of texts."""
    return hash_texts(["\x1e".join(texts)])[0]


def md(text: str) -> str:
    """User text shown literally inside Markdown (captions, info boxes)."""
    return "".join("\\" + c if c in MARKDOWN_CHARS else c for c in str(text))


def baseline_texts(data_texts: list[str], data_title: str, source: Source) -> tuple[tuple[str, ...], str]:
    """(texts, what they are) for the anisotropy baseline: the current data when it has enough, else the source."""
    if len(data_texts) >= MIN_BASELINE_TEXTS:
        return tuple(data_texts), data_title
    return source.texts, source.label


def _pick() -> None:
    """A suggestion was clicked: it becomes the word, and the view runs."""
    picked = st.session_state.get(PICK)
    if picked:
        st.session_state[WORD] = picked
        st.session_state[RUN] = True


def suggestions(model_key: str, source: Source) -> None:
    """Words of the corpus whose contexts differ most, as pills; computed on request, then from disk."""
    from core.contexts.suggestions import CANDIDATES, MIN_COUNT, PER_WORD, is_cached, suggest_words
    from core.embedding.models import model_id_for

    st.caption(f"Of the {CANDIDATES} most frequent words seen at least {MIN_COUNT} times (stop words left out), "
               f"those whose vectors in {PER_WORD} sampled contexts are least alike.")
    if not (is_cached(source.texts, model_id_for(model_key)) or st.button("Find them", key="ee_ctx_suggest")):
        st.caption(f"Embeds up to {CANDIDATES * PER_WORD} contexts (about "
                   f"{CANDIDATES * PER_WORD // ctx_seam.SENTENCES_PER_S + 1} s on 2 CPU cores), once per corpus.")
        return
    table = ctx_seam.ambiguity(model_key, source.texts)
    if table.empty:
        st.info(f"No word occurs {MIN_COUNT} times or more in these texts.")
        return
    st.pills("Suggested words", suggest_words(table), key=PICK, on_change=_pick, label_visibility="collapsed")


def run(word: str, model_key: str, source: Source, base: float, base_label: str) -> WordInContext:
    """Analyse the word with a progress bar; the result is kept for reruns."""
    tick, close = ctx_seam.progress_tick(f"Embedding the contexts of '{word}':")
    try:
        result = analyse_word(word, source.texts, ctx_seam.encoder(model_key), baseline=base, progress=tick)
    finally:
        close()
    result.notes.append(f"Baseline: the mean cosine of random pairs of token vectors from up to {BASELINE_TEXTS} "
                        f"random texts of {md(base_label)}.")
    st.session_state[RESULT] = ((word.lower(), model_key, source.key), result)
    return result


def kept_result(word: str, model_key: str, source: Source) -> WordInContext | None:
    """The last result, when it is for this word, model and source."""
    key, result = st.session_state.get(RESULT, (None, None))
    return result if key == (word.lower(), model_key, source.key) else None


def figures_row(result: WordInContext) -> None:
    """The figures: self-similarity raw, baseline, corrected; occurrences and senses."""
    cols = st.columns(5)
    cols[0].metric("Occurrences", f"{len(result.occurrences):,}", help=f"{result.n_found:,} found")
    cols[1].metric("Senses", result.senses.k, help=senses_note(result.senses))
    cols[2].metric("Self-similarity", f"{result.self_similarity:.3f}",
                   help="Mean cosine between the word's vectors in different contexts (Ethayarajh 2019).")
    cols[3].metric("Random tokens (baseline)", f"{result.baseline:.3f}",
                   help="Mean cosine between random token vectors of this model: its anisotropy.")
    cols[4].metric("Corrected", f"{result.corrected:.3f}", help="Self-similarity minus the baseline.")


def maps_row(result: WordInContext, static_sides) -> None:
    """The occurrence map, and beside it the word's single vector in each static model among its neighbours."""
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(occurrence_figure(result), key="ee_ctx_map", config={"displaylogo": False,
                                                                             "scrollZoom": True})
        st.caption("Each point is one occurrence: the mean of the word's sub-word token vectors in that sentence. "
                   "The star is the word encoded alone, with no sentence around it. " + " ".join(result.notes))
    with right:
        tabs = st.tabs([space for space, _ in static_sides]) if len(static_sides) > 1 else [st.container()]
        for tab, (space, side) in zip(tabs, static_sides):
            with tab:
                _static_side(result.word, space, side)


def _static_side(word: str, space: str, side) -> None:
    if side is None:
        st.info(f"{space} has no vector for '{md(word)}'.")
        return
    st.plotly_chart(static_figure(side), key=f"ee_ctx_static_{space}", config={"displaylogo": False})
    st.caption(f"{md(space)} is a static model: '{md(word)}' has one vector whatever the sentence, a blend of all "
               "its uses, so its nearest words follow its most frequent sense in that model's training text, not "
               "the sentence at hand. Its dimensions and the sentence model's are different spaces, so this is a "
               f"separate map (PCA of the word and its {len(side.neighbours)} nearest words), not a point on the "
               "left one.")


def sense_tables(result: WordInContext) -> None:
    """Every occurrence with its sense, a table of contexts per sense, and a CSV of them all."""
    frame = result.occurrence_frame()
    all_tab, *tabs = st.tabs([f"All occurrences ({len(frame)})"] + [
        f"Sense {s + 1} ({int(np.sum(result.senses.labels == s))})" for s in range(result.senses.k)])
    with all_tab:
        st.dataframe(frame[["context", "sense", "row"]], hide_index=True, width="stretch")
    for s, tab in enumerate(tabs):
        with tab:
            st.dataframe(frame[frame["sense"] == f"sense {s + 1}"][["context", "row"]], hide_index=True,
                         width="stretch")
    csv_download(frame, f"contexts-{result.word}.csv", key="ee_ctx_csv")
    st.caption(f"{senses_note(result.senses)} Self-similarity and its correction after {CITATION}")
