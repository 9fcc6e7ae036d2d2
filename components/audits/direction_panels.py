"""Bias-direction panels of the Bias page: direction and projections, neutralise preview, semantic axes."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.audits import seam as audit_seam
from components.audits.controls import words_area
from components.audits.plots import (
    build_before_after,
    build_explained_variance,
    build_projection_bars,
    build_semantic_axes,
)
from components.audits.report import record
from components.audits.seam import SourceKey
from components.downloads import csv_download
from components.state import persist
from core.audits.analogy import parse_analogy, solve
from core.audits.bias_direction import (
    BiasDirection,
    definitional_pairs,
    direct_bias,
    parse_pairs,
    projections,
    semantic_axes,
)
from core.audits.report import ReportSection
from core.audits.weat_audit import WeatSettings, before_after
from core.audits.weat_sets import select_tests, split_words
from core.embedding.models import is_word_vocabulary
from core.errors import UserError

OCCUPATIONS = ("homemaker, nurse, receptionist, librarian, socialite, hairdresser, nanny, bookkeeper, stylist, "
               "housekeeper, maestro, skipper, protege, philosopher, captain, architect, financier, warrior, "
               "broadcaster, magician, doctor, engineer, programmer, teacher, scientist, lawyer, secretary, manager")
GENDER_SPECIFIC = ("she, he, her, his, him, hers, woman, man, women, men, mary, john, herself, himself, daughter, "
                   "son, mother, father, gal, guy, girl, boy, girls, boys, female, male, sister, brother, aunt, "
                   "uncle, wife, husband, queen, king, princess, prince, actress, actor, grandmother, grandfather, "
                   "niece, nephew, mrs, mr, madam, sir, lady, gentleman")
DEBIAS_ANALOGIES = "man : king :: woman\nman : doctor :: woman\nhe : programmer :: she\nman : engineer :: woman\n" \
                   "father : doctor :: mother"
PAIRS_TEXT = "\n".join(f"{a}, {b}" for a, b in definitional_pairs())
DEBIAS_RESULT = "ee_debias_result"


def _pairs() -> tuple[tuple[str, str], ...]:
    text = st.text_area("Definitional pairs (one per line; the first word's side is positive)", height=150,
                        **persist("ee_w_bias_pairs", PAIRS_TEXT))
    return tuple(parse_pairs(text))


def _direction(key: SourceKey, pairs) -> BiasDirection:
    with st.spinner("Computing the bias direction…"):
        return audit_seam.direction(key, pairs)


def direction_panel(key: SourceKey, source_label: str) -> tuple[tuple[str, str], ...] | None:
    """The direction by PCA, its explained variance, projections of a word list and the direct bias.

    Returns the definitional pairs (None when they cannot be used), for the neutralise preview.
    """
    left, right = st.columns([1, 2])
    with left:
        try:
            pairs = _pairs()
            direction = _direction(key, pairs)
        except UserError as err:
            st.error(str(err))
            return None
        st.metric("Variance explained by PC1", f"{direction.explained_variance_ratio[0]:.1%}")
        if direction.missing:
            st.warning(f"Not in the vocabulary (their pairs were left out): {', '.join(direction.missing)}")
    var_fig = build_explained_variance(direction.explained_variance_ratio)
    right.plotly_chart(var_fig, key="ee_bias_variance_plot", config={"displaylogo": False})
    words = words_area("Words to project (also the neutral words for the direct bias)", "ee_w_bias_words", OCCUPATIONS)
    c = st.number_input("Strictness c of DirectBias_c", 0.0, 5.0, step=0.5, **persist("ee_w_bias_c", 1.0))
    try:
        frame, missing = projections(audit_seam.word_source(key), words, direction)
        bias, _, _ = direct_bias(audit_seam.word_source(key), words, direction, c=c)
    except UserError as err:
        st.error(str(err))
        return pairs
    _show_projections(direction, frame, missing, bias, c, var_fig, source_label)
    return pairs


def _show_projections(direction: BiasDirection, frame: pd.DataFrame, missing: list[str], bias: float, c: float,
                      var_fig, source_label: str) -> None:
    first, second = direction.pairs[0]
    st.metric(f"DirectBias (c = {c:g}) over {len(frame)} words", f"{bias:.4f}",
              help="Mean of |cos(word, direction)|^c (Bolukbasi et al. 2016); 0 means no projection at all.")
    if missing:
        st.caption(f"Not in the vocabulary: {', '.join(missing)}")
    fig = build_projection_bars(frame, positive_pole=first, negative_pole=second,
                                title=f"Projection on the {direction.label}")
    st.plotly_chart(fig, key="ee_bias_projection_plot", config={"displaylogo": False})
    csv_download(frame, "bias-projections.csv", key="ee_bias_projection_csv")
    record("direction", ReportSection(
        "Bias direction (Bolukbasi et al. 2016)",
        {"Word source": source_label, "Pairs used": "; ".join(f"{a}-{b}" for a, b in direction.pairs),
         f"DirectBias (c = {c:g})": f"{bias:.4f}"},
        [f"Direction: {direction.label}; positive projections lean towards '{first}'."],
        [("Explained variance", direction.variance_table()), ("Projections", frame)],
        [("Explained variance", var_fig), ("Projections", fig)]))


def debias_panel(key: SourceKey, pairs: tuple[tuple[str, str], ...] | None, source_label: str,
                 model_key: str) -> None:
    """WEAT and analogy answers before and after removing the direction; stored vectors never change."""
    st.caption("Hard debias, neutralise step (Bolukbasi et al. 2016): every word except the gender-specific ones "
               "loses its component along the bias direction and is rescaled to unit length. This is a preview on "
               "a copy; the stored vectors are never changed.")
    keep = words_area("Gender-specific words left as they are", "ee_w_debias_keep", GENDER_SPECIFIC, height=90)
    tests = st.multiselect("WEAT tests", [f"weat{i}" for i in range(1, 11)],
                           **persist("ee_w_debias_tests", ["weat6", "weat7", "weat8"]))
    questions = st.text_area("Analogies (a : b :: c), one per line", height=120, disabled=not is_word_vocabulary(model_key),
                             **persist("ee_w_debias_analogies", DEBIAS_ANALOGIES))
    if pairs is None:
        st.info("Fix the definitional pairs on the Bias direction tab first.")
        return
    if st.button("Preview the neutralise step", type="primary", key="ee_debias_run"):
        try:
            with st.spinner("Neutralising a copy and re-running the tests…"):
                st.session_state[DEBIAS_RESULT] = _debias(key, pairs, tuple(keep), tests, questions, model_key)
        except UserError as err:
            st.error(str(err))
    if DEBIAS_RESULT in st.session_state:
        _show_debias(*st.session_state[DEBIAS_RESULT], source_label)


def _debias(key: SourceKey, pairs, keep: tuple[str, ...], tests: list[str], questions: str, model_key: str):
    after = audit_seam.neutralised_source(key, pairs, keep)
    weat = before_after(select_tests(tests), audit_seam.word_source(key), after, WeatSettings()) if tests else None
    analogies = _analogies_before_after(key, pairs, keep, questions) if is_word_vocabulary(model_key) else None
    return weat, analogies, audit_seam.direction(key, pairs).label


def _analogies_before_after(key: SourceKey, pairs, keep, questions: str) -> pd.DataFrame:
    before = audit_seam.word_source(key).wv  # type: ignore[attr-defined]
    after = audit_seam.neutralised_glove(key[1], pairs, keep)
    rows = []
    for line in [q for q in questions.splitlines() if q.strip()]:
        q = parse_analogy(line)
        rows.append({"analogy": str(q), "answer before": solve(before, q, k=1)["word"].iloc[0],
                     "answer after": solve(after, q, k=1)["word"].iloc[0]})
    return pd.DataFrame(rows, columns=["analogy", "answer before", "answer after"])


def _show_debias(weat, analogies, direction_label: str, source_label: str) -> None:
    tables, figures = [], []
    if weat is not None and len(weat):
        st.dataframe(weat, hide_index=True, key="ee_debias_weat_table")
        csv_download(weat, "weat-before-after.csv", key="ee_debias_weat_csv")
        fig = build_before_after(weat)
        st.plotly_chart(fig, key="ee_debias_plot", config={"displaylogo": False})
        tables.append(("WEAT before and after", weat))
        figures.append(("WEAT d before and after", fig))
    if analogies is not None:
        st.markdown("**Analogy answers (3CosAdd, input words excluded)**")
        st.dataframe(analogies, hide_index=True, key="ee_debias_analogy_table")
        csv_download(analogies, "analogies-before-after.csv", key="ee_debias_analogy_csv")
        tables.append(("Analogy answers before and after", analogies))
    else:
        st.caption("Analogy answers before and after need a word vocabulary; choose GloVe to see them.")
    record("debias", ReportSection("Neutralise preview (hard debias)", {"Word source": source_label,
                                                                       "Direction": direction_label},
                                   ["Preview on a copy; the stored vectors were not changed."], tables, figures))


def axes_panel(key: SourceKey, source_label: str) -> None:
    """Words placed by their cosine with two axes, each between two poles (a pole may be several words)."""
    c1, c2, c3, c4 = st.columns(4)
    x_neg = c1.text_input("x axis from", **persist("ee_w_axes_xn", "man"))
    x_pos = c2.text_input("x axis to", **persist("ee_w_axes_xp", "woman"))
    y_neg = c3.text_input("y axis from", **persist("ee_w_axes_yn", "poor"))
    y_pos = c4.text_input("y axis to", **persist("ee_w_axes_yp", "rich"))
    words = words_area("Words to place", "ee_w_axes_words", OCCUPATIONS)
    try:
        axes = semantic_axes(audit_seam.word_source(key), words, (split_words(x_neg), split_words(x_pos)),
                             (split_words(y_neg), split_words(y_pos)))
    except UserError as err:
        st.error(str(err))
        return
    fig = build_semantic_axes(axes.frame, x_poles=(x_neg, x_pos), y_poles=(y_neg, y_pos))
    st.plotly_chart(fig, key="ee_axes_plot", config={"displaylogo": False})
    note = (f"Each coordinate is the cosine between the word and (to-pole − from-pole). The two axes have cosine "
            f"{axes.axes_cosine:+.2f} with each other" + ("; far from 0, so they are not independent." if
                                                          abs(axes.axes_cosine) > 0.3 else "."))
    st.caption(note + (f" Not in the vocabulary: {', '.join(axes.missing)}" if axes.missing else ""))
    csv_download(axes.frame, "semantic-axes.csv", key="ee_axes_csv")
    record("axes", ReportSection("Semantic axes", {"Word source": source_label, "x": f"{x_neg} → {x_pos}",
                                                   "y": f"{y_neg} → {y_pos}"}, [note],
                                 [("Coordinates", axes.frame)], [("Semantic axes", fig)]))
