"""The CEAT choice of the Bias page: contexts from the current corpus, pooled effect sizes per test."""
from __future__ import annotations

import streamlit as st

from components import seam
from components.audits import seam as audit_seam
from components.audits.plots import build_intervals
from components.audits.report import record
from components.audits.seam import SourceKey
from components.downloads import csv_download
from components.progress import bar_ticker
from components.state import active_choice, persist
from core.audits.ceat import (
    CEAT_CITATION,
    CONTEXTS_RANGE,
    N_CONTEXTS,
    N_SAMPLES,
    SAMPLES_RANGE,
    SEED,
    CeatResult,
    CeatSettings,
    ceat_note,
    run_ceats_on_source,
)
from core.audits.multiple_testing import adjustment_note
from core.audits.report import ReportSection
from core.audits.weat_sets import WeatTest, caliskan_citation
from core.errors import UserError

RESULT = "ee_ceat_result"
DISPLAY_ORDER = ["test", "ES", "SE", "ci_low", "ci_high", "p", "p_two_sided", "p_holm", "p_bh", "I2", "tau2", "Q",
                 "samples", "words", "words_from_templates", "paper_d", "title", "X", "Y", "A", "B", "z"]


def _settings() -> CeatSettings:
    c1, c2, c3 = st.columns(3)
    contexts = c1.number_input("Contexts per word", *CONTEXTS_RANGE, **persist("ee_w_ceat_contexts", N_CONTEXTS))
    samples = c2.number_input("Effect sizes sampled", *SAMPLES_RANGE, step=500,
                              **persist("ee_w_ceat_samples", N_SAMPLES))
    seed = c3.number_input("Seed", 0, 2**31 - 1, **persist("ee_w_ceat_seed", SEED))
    return CeatSettings(int(contexts), int(samples), int(seed))


def _corpus() -> tuple[list[str], str]:
    """The current dataset's texts (none for a vectors-only file) and its title."""
    choice = active_choice()
    dataset = seam.raw_dataset(choice)
    title = seam.dataset_title(choice)
    return ([] if dataset.generated_labels else list(dataset.texts)), title


def _progress_bar():
    """A progress callback that shows the texts embedded so far and an estimate of the time left."""
    bar = st.progress(0.0, text="Embedding the contexts…")
    return bar, bar_ticker(bar, "Embedding the contexts", unit="new texts")


def ceat_panel(key: SourceKey, source_label: str, tests: list[WeatTest]) -> None:
    """Settings, the Run CEAT button and the pooled results."""
    corpus, corpus_title = _corpus()
    st.caption(f"Contexts come from the current dataset, {corpus_title} ({len(corpus):,} texts; change it on the "
               "Data page); a word the corpus lacks is put in the templates instead.")
    with st.expander("CEAT settings"):
        settings = _settings()
    if st.button("Run CEAT", type="primary", key="ee_ceat_run", disabled=not tests):
        bar, tick = _progress_bar()
        try:
            results = run_ceats_on_source(tests, audit_seam.word_source(key), corpus, settings, progress=tick)
        except UserError as err:
            st.error(str(err))
            return
        finally:
            bar.empty()
        st.session_state[RESULT] = (source_label, corpus_title, settings, results)
    if RESULT in st.session_state:
        _show(*st.session_state[RESULT])
    else:
        st.caption("Choose tests and press Run CEAT.")


def _show(source_label: str, corpus_title: str, settings: CeatSettings, results: list[CeatResult]) -> None:
    import pandas as pd

    table = pd.DataFrame([r.row() for r in results])
    level = f"{settings.confidence:.0%}"
    st.markdown(f"**CEAT results** on {source_label}, contexts from {corpus_title}")
    st.dataframe(table[DISPLAY_ORDER], hide_index=True, key="ee_ceat_table", column_config={
        "ES": st.column_config.NumberColumn("pooled ES", format="%.3f"),
        "SE": st.column_config.NumberColumn(format="%.4f"),
        "ci_low": st.column_config.NumberColumn(f"ES {level} low", format="%.3f"),
        "ci_high": st.column_config.NumberColumn(f"ES {level} high", format="%.3f"),
        **{c: st.column_config.NumberColumn(c.replace("_", " "), format="%.2g")
           for c in ("p", "p_two_sided", "p_holm", "p_bh", "tau2")},
        "I2": st.column_config.NumberColumn("I²", format="%.3f"),
        "paper_d": st.column_config.NumberColumn("WEAT d in paper")})
    note, adjusted = ceat_note(settings, corpus_title), adjustment_note(len(results))
    st.caption(adjusted)
    st.caption(note)
    csv_download(table, "ceat-results.csv", key="ee_ceat_csv")
    fig = build_intervals(table, estimate="ES", low="ci_low", high="ci_high",
                          title=f"CEAT pooled effect size with its {level} interval (pale: p ≥ 0.05)",
                          x_title="pooled effect size (random effects)")
    st.plotly_chart(fig, key="ee_ceat_plot", config={"displaylogo": False})
    st.caption(f"Method: {CEAT_CITATION} Word sets: {caliskan_citation()}")
    record("ceat", ReportSection("CEAT", {"Word source": source_label, "Corpus": corpus_title,
                                          "Contexts per word": settings.n_contexts,
                                          "Effect sizes sampled": settings.n_samples, "Seed": settings.seed},
                                 [note, adjusted, f"Method: {CEAT_CITATION}", f"Word sets: {caliskan_citation()}"],
                                 [("Pooled results", table)], [("Pooled effect sizes", fig)]))
