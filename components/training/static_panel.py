"""The Train page's pieces: the settings, a background run with per-epoch progress, its card, and the comparison."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components.setting_widgets import setting_widget
from components.state import active_choice, set_active_choice
from components.training.background import RunSlot
from core.data.table import Dataset
from core.jobs import JobProgress
from core.training.static import StaticRun, default_static_dir, run_static, save_static, static_title
from core.training.static_eval import COMPARED, compare_architectures, word_scores, word_vectors_of
from core.training.static_settings import SMALL_CORPUS_WORDS, STATIC_SETTINGS, StaticParams, static_params_from

TRAINING = RunSlot("ee_static_job", "Training a static model", "ee_static_cancel", unit="epoch")
COMPARING = RunSlot("ee_static_compare_job", "Comparing architectures", "ee_static_compare_cancel", unit="epoch")


def settings_input() -> StaticParams:
    """The method on its own row, then one widget per other setting, in columns."""
    method, *others = STATIC_SETTINGS
    values = {method.name: setting_widget(method, key=f"ee_w_static_{method.key}")}
    for column, setting in zip(st.columns(3) * 3, others):
        with column:
            values[setting.name] = setting_widget(setting, key=f"ee_w_static_{setting.key}")
    return static_params_from(values)


def reproducibility_note(params: StaticParams, words: int) -> str:
    """What the worker count means for this corpus, in one sentence."""
    if params.reproducible:
        return f"One worker and seed {params.seed}: running it again gives the same vectors, bit for bit."
    advice = " (on a corpus this small one worker costs little)" if words < SMALL_CORPUS_WORDS else ""
    return f"{params.workers} workers train faster, but two runs differ slightly{advice}."


def _train_and_save(texts: list[str], params: StaticParams, source: str, report: JobProgress, cancel) -> dict:
    report.status("Training")
    run = run_static(texts, params, progress=report.step, cancel=cancel)
    report.status("Scoring on the word benchmarks")
    scores = word_scores(word_vectors_of(run)) if params.method != "doc2vec" or not params.sg else {}
    folder = save_static(run, default_static_dir(params.method), title=static_title(run, source), evaluations=scores)
    return {"key": f"static:{folder}", "run": _summary(run), "scores": scores}


def _summary(run: StaticRun) -> dict[str, Any]:
    return {"title": static_title(run, ""), "vocabulary": run.vocabulary, "words": run.words,
            "seconds": round(run.seconds, 2)}


def start_training(dataset: Dataset, params: StaticParams) -> None:
    report = JobProgress()
    TRAINING.start(lambda cancel: _train_and_save(dataset.texts, params, dataset.name, report, cancel), report)


def start_comparison(dataset: Dataset, params: StaticParams) -> None:
    report = JobProgress()

    def work(cancel) -> pd.DataFrame:
        report.status("Training " + ", ".join(title for _, _, title in COMPARED))
        epochs = params.epochs * len(COMPARED)
        done = {"runs": 0}

        def step(epoch: int, total: int) -> None:
            report.step(done["runs"] * params.epochs + epoch, epochs)
            done["runs"] += epoch == total

        return compare_architectures(dataset.texts, params, progress=step, cancel=cancel)

    COMPARING.start(work, report)


def trained_panel(outcome: dict) -> None:
    """The new model's figures, and a button that maps the data with it."""
    st.success(f"Saved as {Path(outcome['key'].removeprefix('static:')).name}: {outcome['run']['vocabulary']:,} words learned "
               f"from {outcome['run']['words']:,} tokens in {outcome['run']['seconds']} s. It is in every model "
               "picker now.")
    scores = outcome["scores"]
    if scores:
        st.dataframe(scores_table(scores), hide_index=True, key="ee_static_scores")
    if st.button("Map the data with it", key="ee_static_use"):
        set_active_choice(replace(active_choice(), model=outcome["key"]))
        st.switch_page("pages/map.py")


def scores_table(scores: dict[str, Any]) -> pd.DataFrame:
    """One row per benchmark: score, its 95% interval and coverage."""
    rows = []
    for name, score in scores.items():
        low, high = score["interval"] or (None, None)
        rows.append({"benchmark": name, "score": score.get("spearman", score.get("accuracy")), "low": low,
                     "high": high, "coverage": score["coverage"]})
    return pd.DataFrame(rows)


def comparison_panel(table: pd.DataFrame) -> None:
    """The architectures side by side, and what the classic claims look like on this corpus."""
    st.dataframe(table, hide_index=True, key="ee_static_compare_table")
    fastest = table.loc[table["seconds"].idxmin(), "model"]
    st.caption(f"Fastest here: {fastest}. Rare-word coverage is the share of words seen fewer than the minimum "
               "count that still get a vector: fastText builds them from sub-words, Word2Vec leaves them out. "
               "Scores are on the covered pairs and questions only; compare coverage before scores.")

