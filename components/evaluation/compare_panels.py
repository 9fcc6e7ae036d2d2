"""The Evaluate page's model tables: standard sets for several models, and several models on the user's data."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from components import seam
from components.audits.report import record
from components.downloads import csv_download
from components.evaluation.outcome_map import results_store
from components.progress import progress
from components.state import PRECOMPUTED, DataChoice, persist, saved
from core.embedding.models import CUSTOM_PREFIX, MODELS, is_corpus_fitted, model_title
from core.errors import UserError
from core.evaluation import compare, evaluate, lee, word_similarity
from core.evaluation import report as eval_report
from core.evaluation.retrieval import rank_queries

INTRINSIC_MODELS = ("glove-6b-50d", "minilm")
UPLOADED_SET = "ee_eval_pairs_upload"


def _label(model: str) -> str:
    return "the data's own vectors" if model == PRECOMPUTED else model_title(model)


def _encoder(model: str):
    get = None if is_corpus_fitted(model) else (lambda: seam.embedder(model))
    return evaluate.model_encoder(model, get_embedder=get)


def _pair_sets(names: list[str]) -> list[word_similarity.WordPairs]:
    sets = [word_similarity.builtin_pairs(n) for n in names]
    upload = st.session_state.get(UPLOADED_SET)
    if upload is not None:
        sets.append(word_similarity.parse_pairs(upload.getvalue().decode("utf-8", "replace"), name=upload.name))
    return sets


def run_intrinsic(models: list[str], names: list[str], with_lee: bool) -> tuple[pd.DataFrame, list[str]]:
    """Word similarity (with bootstrap intervals over pairs) and the Lee correlation, per model."""
    sets, words, lee_rows = _pair_sets(names), {}, []
    with progress(f"Evaluating {len(models)} model(s)") as tick:
        for i, model in enumerate(models):
            encode = _encoder(model)
            if sets and not is_corpus_fitted(model):
                words[_label(model)] = evaluate.word_similarity(model, sets, encode=encode)
            if with_lee:
                lee_rows.append({"model": _label(model), "set": "Lee documents",
                                 **evaluate.lee_similarity(model, encode=encode).as_dict()})
            tick(i + 1, len(models))
    table = evaluate.word_comparison_table(words) if words else pd.DataFrame()
    table = pd.concat([table, pd.DataFrame(lee_rows).drop(columns="set", errors="ignore")
                       .assign(set="Lee documents")], ignore_index=True) if lee_rows else table
    notes = [s for _, part in table.groupby("set") for s in compare.overlap_sentences(part, "spearman")] \
        if "spearman_low" in table else []
    return table, notes


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


def _common(embs: dict[str, seam.Embedded]) -> dict[str, seam.Embedded]:
    """Every model restricted to the source rows all of them could embed."""
    from core.hashing import hash_array

    common = None
    for e in embs.values():
        rows = np.asarray(e.dataset.source_rows)
        common = rows if common is None else np.intersect1d(common, rows)
    out = {}
    for name, e in embs.items():
        keep = np.isin(e.dataset.source_rows, common)
        ds = e.dataset if keep.all() else e.dataset.subset(keep, reason="not embedded by every model")
        out[name] = e if keep.all() else replace(e, dataset=ds, vectors_hash=hash_array(ds.vectors))
    return out


def run_models(choice: DataChoice, models: list[str], label: str | None, query: str | None):
    """The label and retrieval evaluations for each model, on the rows all of them embedded."""
    embs = _common({m: seam.embedded(replace(choice, model=m)) for m in models})
    tables = {}
    if label:
        evals = {}
        with progress(f"Cross-validating {len(models)} models") as tick:
            for i, (m, e) in enumerate(embs.items()):
                evals[_label(m)] = evaluate.evaluate_labels(e.dataset.vectors, e.dataset.frame[label])
                tick(i + 1, len(models))
        tables["labels"] = (evaluate.comparison_table(evals), "logreg_accuracy")
    if query:
        ranks = {}
        for m, e in embs.items():
            q, t = evaluate.encode_queries_and_texts(m, e.dataset.frame[query].astype(str).tolist(), e.dataset.texts)
            ranks[_label(m)] = rank_queries(q, t)
        tables["retrieval"] = (evaluate.retrieval_comparison_table(ranks), "recall_at_1")
    return tables, len(next(iter(embs.values())).dataset)


def models_panel(emb: seam.Embedded, choice: DataChoice) -> None:
    """Several models on this data's labels and queries (the columns chosen in the other tabs)."""
    has_vectors = seam.raw_dataset(choice).vectors is not None
    options = list(dict.fromkeys([choice.model, *([PRECOMPUTED] if has_vectors else []), *MODELS]))
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


def _models_results(tables: dict, n_rows: int) -> None:
    st.caption(f"All models on the same {n_rows:,} rows. {compare.CONVENTIONS}")
    for task, (table, metric) in tables.items():
        st.subheader("Labels" if task == "labels" else "Retrieval")
        st.dataframe(table, hide_index=True, width="stretch", key=f"ee_eval_models_{task}")
        sentences = compare.overlap_sentences(table, metric)
        for sentence in sentences:
            st.info(sentence)
        csv_download(table, f"models-{task}.csv", key=f"ee_eval_models_{task}_csv")
        record(f"eval_compare_{task}", eval_report.comparison_section(table, sentences, task=task))
