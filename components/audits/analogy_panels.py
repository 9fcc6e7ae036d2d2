"""The two panels of the Analogies page: solve one analogy, and run a benchmark."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.audits import seam as audit_seam
from components.audits.plots import build_analogy_arrows
from components.audits.report import record
from components.downloads import csv_download
from components.state import persist
from core.audits.analogy import METHOD_TITLES, METHODS, AnalogyAnswers, answers_table
from core.audits.analogy_benchmark import (
    CONVENTIONS,
    GOOGLE,
    benchmark_table,
    read_benchmark_text,
)
from core.audits.analogy_map import analogy_layout
from core.audits.report import ReportSection
from core.audits.word_vectors import WordVectors, unseen_note
from core.errors import UserError
from core.hashing import hash_texts

SCORE_FORMAT = "%.4f"  # every score with the same decimals, so a column's numbers line up
NISSIM_NOTE = ("Excluding the input words (gensim's default) can hide that the nearest word to b − a + c is one "
               "of the inputs, and so make an analogy look more telling than it is (Nissim, van Noord & van der "
               "Goot, 2020). Both answers are shown when they differ.")


def _question_inputs() -> str:
    c1, c2, c3 = st.columns(3)
    a = c1.text_input("a", **persist("ee_w_analogy_a", "man"))
    b = c2.text_input("is to b", **persist("ee_w_analogy_b", "king"))
    c = c3.text_input("as c is to ?", **persist("ee_w_analogy_c", "woman"))
    return f"{a.strip()} : {b.strip()} :: {c.strip()}"


def _differences(answers: AnalogyAnswers) -> None:
    """Tell the user when allowing the inputs changes a method's top answer."""
    for method in METHODS:
        if answers.differs(method):
            st.info(f"{METHOD_TITLES[method]}: with the input words excluded the answer is "
                    f"**{answers.top(method, exclude_inputs=True)}**; with them allowed it is "
                    f"**{answers.top(method, exclude_inputs=False)}**.")


def score_columns(table: pd.DataFrame) -> dict:
    """Column settings that show every score column in SCORE_FORMAT."""
    return {c: st.column_config.NumberColumn(c, format=SCORE_FORMAT) for c in table.columns if c.endswith(" score")}


def scores_as_text(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its scores written in SCORE_FORMAT (for the report)."""
    return table.assign(**{c: table[c].map(SCORE_FORMAT.__mod__) for c in score_columns(table)})


def _answers_frame(table: pd.DataFrame, key: str) -> None:
    st.dataframe(table, hide_index=True, key=key, column_config=score_columns(table))


def _answer_tables(answers: AnalogyAnswers, allow_inputs: bool) -> None:
    differs = any(answers.differs(m) for m in METHODS)
    if not differs:
        _answers_frame(answers_table(answers, exclude_inputs=not allow_inputs), "ee_analogy_table")
    else:
        left, right = st.columns(2)
        with left:
            st.markdown("**Input words excluded** (gensim)")
            _answers_frame(answers_table(answers, exclude_inputs=True), "ee_analogy_table_excl")
        with right:
            st.markdown("**Input words allowed**")
            _answers_frame(answers_table(answers, exclude_inputs=False), "ee_analogy_table_incl")
    csv_download(both_answers(answers), "analogy-answers.csv", key="ee_analogy_csv")


def both_answers(answers: AnalogyAnswers) -> pd.DataFrame:
    """The answers with the input words excluded, then allowed, in one table."""
    parts = []
    for exclude, label in ((True, "excluded"), (False, "allowed")):
        part = answers_table(answers, exclude_inputs=exclude)
        part.insert(0, "input words", label)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def solve_panel(model_key: str, n: int) -> None:
    """Inputs a : b :: c, top-k by 3CosAdd and 3CosMul, the arrows on a 2D PCA."""
    question = _question_inputs()
    c1, c2, c3 = st.columns([1, 1, 2])
    k = c1.slider("Answers shown", 3, 30, **persist("ee_w_analogy_k", 10))
    n_neighbours = c2.slider("Neighbours drawn", 0, 10, **persist("ee_w_analogy_nb", 5))
    allow = c3.toggle("Allow the input words among the answers", help=NISSIM_NOTE,
                      **persist("ee_w_analogy_allow", False))
    try:
        wv, built = audit_seam.analogy_space(model_key, n, question)
        answers = audit_seam.analogy_answers(model_key, n, question, k)
    except UserError as err:
        st.error(str(err))
        return
    if built:
        st.info(unseen_note(built))
    _differences(answers)
    _answer_tables(answers, allow)
    st.caption("3CosAdd score: cosine with b − a + c (gensim's most_similar); 3CosMul: cos′(x,b)·cos′(x,c) / "
               "(cos′(x,a) + 10⁻⁶) with cos′ = (1 + cos)/2 (gensim's most_similar_cosmul). " + NISSIM_NOTE)
    fig = _arrows(wv, answers, allow, n_neighbours)
    st.plotly_chart(fig, key="ee_analogy_plot", config={"displaylogo": False})
    _record_analogy(wv, answers, allow, fig)


def _arrows(wv: WordVectors, answers: AnalogyAnswers, allow: bool, n_neighbours: int):
    answer = answers.top("3cosadd", exclude_inputs=not allow)
    layout = analogy_layout(wv, answers.question, [answer], n_neighbours=n_neighbours)
    q = answers.question
    title = (f"{q.a} → {q.b} as {q.c} → {answer} (3CosAdd); PCA of {len(layout.frame)} words keeps "
             f"{layout.explained:.0%} of their variance")
    return build_analogy_arrows(layout.frame, a=q.a, b=q.b, c=q.c, answer=answer, title=title)


def _record_analogy(wv: WordVectors, answers: AnalogyAnswers, allow: bool, fig) -> None:
    tables = [("Answers with the input words excluded (gensim's convention)",
               scores_as_text(answers_table(answers, exclude_inputs=True))),
              ("Answers with the input words allowed", scores_as_text(answers_table(answers, exclude_inputs=False)))]
    settings = {"Vocabulary": wv.label, "Input words in the figure": "allowed" if allow else "excluded"}
    record("analogy", ReportSection(f"Analogy {answers.question}", settings, [NISSIM_NOTE], tables,
                                    [("Arrows on a 2D PCA of the words and neighbours", fig)]))


def _benchmark_source() -> tuple[str, str] | None:
    """(name, text) of the Google set or an uploaded questions-words file."""
    choice = st.radio("Questions", [GOOGLE, "upload"], horizontal=True,
                      format_func={GOOGLE: "Google analogy set (19,544 questions)", "upload": "Upload a file"}.get,
                      **persist("ee_w_bench_source", GOOGLE, options=[GOOGLE, "upload"]))
    if choice == GOOGLE:
        return read_benchmark_text(GOOGLE)
    upload = st.file_uploader("Analogy file (': section' lines, then 'a b c d' per line)", type=["txt"],
                              key="ee_bench_upload")
    if upload is None:
        st.info("Upload a file in the questions-words format to run it.")
        return None
    return upload.name, upload.getvalue().decode("utf-8", errors="replace")


def benchmark_panel(model_key: str, n: int) -> None:
    """Accuracy per section and overall, and coverage; identical to gensim's evaluate_word_analogies."""
    try:
        source = _benchmark_source()
    except UserError as err:
        st.error(str(err))
        return
    methods = st.multiselect("Methods", METHODS, format_func=METHOD_TITLES.get,
                             **persist("ee_w_bench_methods", ["3cosadd"]))
    if source is None or not methods:
        return
    name, text = source
    if st.button("Run the benchmark", type="primary", key="ee_bench_run"):
        with st.spinner(f"Answering {name} with {len(methods)} method(s) over {n:,} words…"):
            try:
                results = audit_seam.benchmark(model_key, n, hash_texts([text])[0], tuple(methods), text)
            except UserError as err:
                st.error(str(err))
                return
        st.session_state["ee_bench_result"] = (name, model_key, n, results)
    _show_benchmark(st.session_state.get("ee_bench_result"))


def _show_benchmark(stored) -> None:
    if stored is None:
        st.caption("Press Run to score the questions (3CosAdd takes a few seconds at 30,000 words; 3CosMul longer).")
        return
    name, model_key, n, results = stored
    table = benchmark_table(results)
    cols = st.columns(len(results) + 1)
    for col, result in zip(cols, results):
        col.metric(f"{METHOD_TITLES[result.method]} accuracy", f"{result.accuracy:.1%}")
    cols[-1].metric("Coverage", f"{results[0].coverage:.1%}",
                    help="Questions whose four words are all among the N most frequent words")
    st.dataframe(table, hide_index=True, key="ee_bench_table", column_config=_percent_columns(table),
                 height=35 * (len(table) + 1) + 3)
    conventions = CONVENTIONS.format(n=n)
    st.caption(f"{name} · {audit_seam.analogy_vocabulary(model_key, n).label}. {conventions}")
    csv_download(table, "analogy-benchmark.csv", key="ee_bench_csv")
    record("benchmark", ReportSection(f"Analogy benchmark: {name}", {"Vocabulary": f"{n:,} most frequent words",
                                                                       "Model": model_key}, [conventions],
                                      [("Accuracy per section", table)]))


def _percent_columns(table) -> dict:
    return {c: st.column_config.NumberColumn(c, format="percent") for c in table.columns
            if c == "coverage" or c.endswith("accuracy")}
