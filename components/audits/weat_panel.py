"""The WEAT panel of the Bias page: choose tests (built-in or custom), run them, show d with its interval and p."""
from __future__ import annotations

import streamlit as st

from components.audits import seam as audit_seam
from components.audits.plots import build_intervals, build_weat_effects
from components.audits.report import record
from components.audits.seam import SourceKey
from components.downloads import csv_download
from components.state import persist
from core.audits.multiple_testing import adjustment_note
from core.audits.report import ReportSection
from core.audits.weat import EXACT_LIMIT, N_PERMUTATIONS, SEED
from core.audits.weat_audit import (
    WeatResult,
    WeatSettings,
    p_value_note,
    results_table,
    sets_table,
)
from core.audits.weat_bootstrap import BOOTSTRAP_RANGE, CONFIDENCE, CONFIDENCE_RANGE, N_BOOTSTRAP
from core.audits.weat_sets import (
    CUSTOM_FORMAT,
    ROLE_TITLES,
    WeatTest,
    caliskan_citation,
    caliskan_tests,
    parse_custom_tests,
    typed_test,
)
from core.errors import UserError

RESULT = "ee_weat_result"
DISPLAY_ORDER = ["test", "d", "d_ci_low", "d_ci_high", "p", "p_two_sided", "p_holm", "p_bh", "S", "permutations", "p_method", "paper_d", "missing", "title", "X", "Y", "A", "B",
                 "n_X", "n_Y", "n_A", "n_B"]  # the numbers first; the CSV keeps the CLI's column order
METHODS = {"weat": "WEAT: each word in the templates", "ceat": "CEAT: many contexts per word from the corpus"}
TYPED_DEFAULTS = {"X": ("Career words", "executive, management, professional, salary, office, business"),
                  "Y": ("Family words", "home, parents, children, family, marriage, relatives"),
                  "A": ("Male terms", "he, him, his, man, male, boy"),
                  "B": ("Female terms", "she, her, hers, woman, female, girl")}


def _builtin_choice() -> list[WeatTest]:
    """The built-in tests as toggles that wrap onto as many rows as they need: every test stays visible."""
    tests = {t.id: t for t in caliskan_tests()}
    chosen = st.pills("Tests from Caliskan et al. (2017)", list(tests), selection_mode="multi", wrap=True,
                      format_func=lambda k: f"WEAT {tests[k].id[4:]}: {tests[k].title}",
                      **persist("ee_w_weat_tests", list(tests), options=list(tests)))
    return [tests[k] for k in chosen]


def _typed_test() -> WeatTest | None:
    if not st.checkbox("Add a test typed here", **persist("ee_w_weat_typed_on", False)):
        return None
    title = st.text_input("Title", **persist("ee_w_weat_typed_title", "Career vs family: male vs female terms"))
    names, words = {}, {}
    for row in (("X", "Y"), ("A", "B")):
        for col, role in zip(st.columns(2), row):
            name_default, words_default = TYPED_DEFAULTS[role]
            names[role] = col.text_input(f"Name of {ROLE_TITLES[role]}",
                                         **persist(f"ee_w_weat_{role}_name", name_default))
            words[role] = col.text_area(f"Words of {ROLE_TITLES[role]}", height=80,
                                        **persist(f"ee_w_weat_{role}_words", words_default))
    return typed_test(title, names, words)


def _uploaded_tests() -> list[WeatTest]:
    upload = st.file_uploader("Or upload tests as JSON", type=["json"], key="ee_weat_upload", help=CUSTOM_FORMAT)
    if upload is None:
        return []
    return parse_custom_tests(upload.getvalue().decode("utf-8", errors="replace"), source=upload.name)


def _settings() -> WeatSettings:
    c1, c2, c3 = st.columns(3)
    permutations = c1.number_input("Sampled permutations", 1_000, 1_000_000, step=1_000,
                                   **persist("ee_w_weat_perm", N_PERMUTATIONS))
    limit = c2.number_input("Exact p up to this many partitions", 0, 1_000_000, step=10_000,
                            **persist("ee_w_weat_exact", EXACT_LIMIT))
    seed = c3.number_input("Seed", 0, 2**31 - 1, **persist("ee_w_weat_seed", SEED))
    c4, c5 = st.columns(2)
    resamples = c4.number_input("Bootstrap resamples for the interval of d", *BOOTSTRAP_RANGE, step=500,
                                **persist("ee_w_weat_boot", N_BOOTSTRAP))
    confidence = c5.number_input("Interval level", *CONFIDENCE_RANGE, step=0.01, format="%.3f",
                                 **persist("ee_w_weat_conf", CONFIDENCE))
    return WeatSettings(int(limit), int(permutations), int(seed), int(resamples), float(confidence))


def _chosen_tests() -> tuple[list[WeatTest], WeatSettings]:
    tests = _builtin_choice()
    with st.expander("Custom tests"):
        typed = _typed_test()
        tests += ([typed] if typed else []) + _uploaded_tests()
    with st.expander("p-value and interval settings"):
        settings = _settings()
    return tests, settings


def weat_panel(key: SourceKey, source_label: str, *, sentence_model: bool = False) -> None:
    """Pick tests, run them on the current word source (WEAT, or CEAT for sentence models), show the results."""
    try:
        tests, settings = _chosen_tests()
    except UserError as err:
        st.error(str(err))
        return
    if sentence_model and st.radio("Method", list(METHODS), format_func=METHODS.get, horizontal=True,
                                   **persist("ee_w_weat_method", "weat", options=list(METHODS))) == "ceat":
        from components.audits.ceat_panel import ceat_panel

        ceat_panel(key, source_label, tests)
        return
    if st.button("Run WEAT", type="primary", key="ee_weat_run", disabled=not tests):
        with st.spinner(f"Running {len(tests)} WEAT test(s) on {source_label}…"):
            try:
                covered, skipped = audit_seam.weat_coverage(key, tuple(tests))
                results = audit_seam.weat_results(key, covered, settings)
            except UserError as err:
                st.error(str(err))
                return
        st.session_state[RESULT] = (source_label, settings, results, skipped)
    if RESULT in st.session_state:
        _show_results(*st.session_state[RESULT])
    else:
        st.caption("Choose tests and press Run WEAT.")


def _show_results(source_label: str, settings: WeatSettings, results: list[WeatResult],
                  skipped: list[str]) -> None:
    for sentence in skipped:
        st.info(sentence)
    table = results_table(results)
    st.markdown(f"**Results** on {source_label}")
    level = f"{settings.confidence:.0%}"
    st.dataframe(table[DISPLAY_ORDER], hide_index=True, key="ee_weat_table", column_config={
        "S": st.column_config.NumberColumn(format="%.4f"), "d": st.column_config.NumberColumn(format="%.3f"),
        "d_ci_low": st.column_config.NumberColumn(f"d {level} low", format="%.3f"),
        "d_ci_high": st.column_config.NumberColumn(f"d {level} high", format="%.3f"),
        **{c: st.column_config.NumberColumn(c.replace("_", " "), format="%.2g")
           for c in ("p", "p_two_sided", "p_holm", "p_bh")},
        "paper_d": st.column_config.NumberColumn("d in paper")})
    note, adjusted = p_value_note(settings), adjustment_note(len(results))
    st.caption(adjusted)
    st.caption(note)
    csv_download(table, "weat-results.csv", key="ee_weat_csv")
    fig = build_weat_effects(table)
    st.plotly_chart(fig, key="ee_weat_plot", config={"displaylogo": False})
    intervals = build_intervals(table, estimate="d", low="d_ci_low", high="d_ci_high",
                                title=f"WEAT effect size d with its {level} bootstrap interval (pale: p ≥ 0.05)",
                                x_title="effect size d")
    st.plotly_chart(intervals, key="ee_weat_intervals", config={"displaylogo": False})
    with st.expander("Word sets as used, and the words left out"):
        for i, result in enumerate(results):
            st.markdown(f"**{result.test.id}: {result.test.title}**")
            st.dataframe(sets_table(result), hide_index=True, key=f"ee_weat_sets_{i}")
    st.caption(f"Word sets: {caliskan_citation()}")
    record("weat", ReportSection("WEAT", {"Word source": source_label, "Permutations": settings.n_permutations,
                                          "Exact limit": settings.exact_limit, "Seed": settings.seed,
                                          "Bootstrap resamples": settings.n_bootstrap, "Interval level": level},
                                 [note, adjusted, f"Word sets: {caliskan_citation()}"],
                                 [("Results", table)]
                                 + [(f"{r.test.id}: sets as used", sets_table(r)) for r in results],
                                 [("Effect sizes", fig), (f"Effect sizes with {level} bootstrap intervals", intervals)]))
