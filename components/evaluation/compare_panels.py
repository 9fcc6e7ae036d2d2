"""The Evaluate page's model tables: standard sets for several models, and several models on the user's data."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from components import seam
from components.audits.report import record
from components.common_rows import common_rows
from components.downloads import csv_download
from components.evaluation.outcome_map import results_store
from components.progress import progress
from components.state import PRECOMPUTED, DataChoice, persist, saved, vector_sources
from core.embedding.models import CUSTOM_PREFIX, MODELS, is_corpus_fitted, model_title
from core.errors import UserError
from core.evaluation import compare, lee, suite, word_similarity
from core.evaluation import report as eval_report

INTRINSIC_MODELS = ("glove-6b-50d", "minilm")
UPLOADED_SET = "ee_eval_pairs_upload"


def _label(model: str) -> str:
    return "the data's own vectors" if model == PRECOMPUTED else model_title(model)


def _pair_sets(names: list[str]) -> list[word_similarity.WordPairs]:
    sets = [word_similarity.builtin_pairs(n) for n in names]
    upload = st.session_state.get(UPLOADED_SET)
    if upload is not None:
        sets.append(word_similarity.parse_pairs(upload.getvalue().decode("utf-8", "replace"), name=upload.name))
    return sets


def run_intrinsic(models: list[str], names: list[str], with_lee: bool) -> tuple[pd.DataFrame, list[str]]:
    """Word similarity (with bootstrap intervals over pairs) and the Lee correlation, per model."""
    request = suite.EvaluationRequest(word_sets=tuple(_pair_sets(names)), lee=with_lee)
    found = []
    with progress(f"Evaluating {len(models)} model(s)") as tick:
        for i, model in enumerate(models):
            own = replace(request, word_sets=()) if is_corpus_fitted(model) else request  # no vectors for lone words
            found.append(suite.evaluate_model(model, own, name=_label(model), get_embedder=seam.embedder_getter(model)))
            tick(i + 1, len(models))
    comparisons = suite.compare_models(found)
    notes = comparisons["word_similarity"].notes if "word_similarity" in comparisons else []
    return suite.similarity_table(found, comparisons), notes


def intrinsic_panel(choice: DataChoice) -> None:
    """WordSim-353, SimLex-999 (or an uploaded pairs file) and the Lee documents, for several models."""
    options = list(dict.fromkeys([*INTRINSIC_MODELS, *([choice.model] if choice.model.startswith(CUSTOM_PREFIX)
                                                        else [])]))
    models = st.multiselect("Models", options, format_func=_label,
                            **persist("ee_w_eval_intrinsic_models", ["glove-6b-50d"], options=options))
    c1, c2 = st.columns([2, 1])
    names = c1.multiselect("Word-similarity sets", list(word_similarity.WORD_SETS),
                           format_func=lambda k: word_similarity.WORD_SETS[k][0],
                           **persist("ee_w_eval_word_sets", list(word_similarity.WORD_SETS),
                                     options=list(word_similarity.WORD_SETS)))
    with_lee = c2.checkbox("Lee document similarity", **persist("ee_w_eval_lee", True))
    st.file_uploader("Your own word pairs (word<TAB>word<TAB>score per line)", type=["txt", "tsv", "csv"],
                     key=UPLOADED_SET)
    if st.button("Evaluate", key="ee_eval_intrinsic_run", type="primary", disabled=not models):
        try:
            results_store()["intrinsic"] = run_intrinsic(models, names, with_lee)
        except UserError as err:
            st.error(str(err))
    if "intrinsic" not in results_store():
        st.caption("MiniLM embeds each word alone; the first run encodes about 1,400 words and the 50 Lee "
                   "documents (a few seconds), later runs read the disk cache.")
        return
    table, notes = results_store()["intrinsic"]
    st.dataframe(table, hide_index=True, width="stretch", key="ee_eval_intrinsic_table")
    for note in notes:
        st.info(note)
    conventions = [word_similarity.CONVENTIONS.format(n=word_similarity.RESTRICT_VOCAB),
                   word_similarity.SENTENCE_CONVENTIONS, lee.CONVENTIONS, compare.CONVENTIONS]
    st.caption(" ".join(conventions))
    csv_download(table, "evaluation-similarity.csv", key="ee_eval_intrinsic_csv")
    record("eval_intrinsic", eval_report.intrinsic_section(table, conventions, notes))


def run_models(choice: DataChoice, models: list[str], label: str | None,
               query: str | None) -> tuple[dict[str, suite.Comparison], int]:
    """The label and retrieval evaluations for each model, on the rows all of them embedded, side by side."""
    embs = dict(zip(models, common_rows([seam.embedded(replace(choice, model=m)) for m in models])))
    request = suite.EvaluationRequest(label_column=label, query_column=query)
    found = []
    with progress(f"Evaluating {len(models)} models") as tick:
        for i, (m, e) in enumerate(embs.items()):
            found.append(suite.evaluate_model(m, request, name=_label(m), data=e.dataset, embedded=e.dataset,
                                              get_embedder=seam.embedder_getter(m)))
            tick(i + 1, len(models))
    return suite.compare_models(found), len(next(iter(embs.values())).dataset)


def models_panel(emb: seam.Embedded, choice: DataChoice) -> None:
    """Several models on this data's labels and queries (the columns chosen in the other tabs)."""
    options = list(dict.fromkeys([choice.model, *vector_sources(seam.raw_dataset(choice), list(MODELS))]))
    models = st.multiselect("Models", options, format_func=_label,
                            **persist("ee_w_eval_models", options[:2], options=options))
    label, query = saved("ee_w_eval_label", None), saved("ee_w_eval_query", None)
    label = label if label in emb.dataset.frame.columns else None
    query = query if query in emb.dataset.frame.columns and PRECOMPUTED not in models else None
    st.caption(f"Label column: {label or 'none (choose one in the Labels tab)'} · query column: "
               f"{query or 'none (choose one in the Retrieval tab; not with the data own vectors)'}.")
    ready = len(models) >= 2 and (label or query)
    if st.button("Compare these models", key="ee_eval_models_run", type="primary", disabled=not ready):
        try:
            results_store()["models"] = run_models(choice, models, label, query)
        except UserError as err:
            st.error(str(err))
    if "models" in results_store():
        _models_results(*results_store()["models"])


def _models_results(comparisons: dict[str, suite.Comparison], n_rows: int) -> None:
    st.caption(f"All models on the same {n_rows:,} rows. {compare.CONVENTIONS}")
    for task, found in comparisons.items():
        st.subheader("Labels" if task == "labels" else "Retrieval")
        st.dataframe(found.table, hide_index=True, width="stretch", key=f"ee_eval_models_{task}")
        for sentence in found.notes:
            st.info(sentence)
        csv_download(found.table, f"models-{task}.csv", key=f"ee_eval_models_{task}_csv")
        record(f"eval_compare_{task}", eval_report.comparison_section(found.table, found.notes, task=task))
