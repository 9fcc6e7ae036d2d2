"""AppTest: the Fine-tune page trains a tiny sentence model on label pairs and shows the figures before and after."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, UPLOADS, DataChoice
from core.data.table import Dataset
from core.training.store import local_models
from tests.support.finetune_toy import save_tiny_model, toy_texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny_choice(tmp_path, monkeypatch) -> DataChoice:
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    folder = save_tiny_model(tmp_path / "tiny")
    return DataChoice("upload", "toy", model=f"st:{folder}")


def _page(choice: DataChoice) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state[ACTIVE] = choice
    at.session_state[UPLOADS] = {"toy": Dataset("toy.csv", toy_texts(30), "text")}
    at.switch_page("pages/finetune.py").run()
    assert not at.exception, at.exception
    return at


def _wait_for_result(at: AppTest, timeout_s: float = 240) -> AppTest:
    """Rerun the page until the background run has finished and its figures show."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(1.0)
        at.run()
        assert not at.exception, at.exception
        if any(m.label.endswith(" after") for m in at.metric) or at.error or at.warning:
            return at
    raise AssertionError("the fine-tuning run did not finish")


def test_finetune_page_trains_and_shows_before_and_after(tiny_choice):
    at = _page(tiny_choice)
    assert at.title[0].value == "Fine-tune"
    assert at.selectbox(key="ee_w_ft_base").value == tiny_choice.model
    at.radio(key="ee_w_ft_source").set_value("label").run()
    at.selectbox(key="ee_w_ft_label").set_value("topic").run()
    at.number_input(key="ee_w_ft_learning_rate").set_value(0.1)
    at.number_input(key="ee_w_ft_epochs").set_value(3)
    at.number_input(key="ee_w_ft_batch_size").set_value(16).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    counts = {m.label: m.value for m in at.metric}
    assert int(counts["Training pairs (positives)"]) + int(counts["Held-out pairs"]) == 90
    assert int(counts["Hard negatives mined"].replace(",", "")) > 0
    assert any("pairs/s over 3 training steps" in i.value for i in at.info)
    at.button(key="ee_ft_start").click().run()
    at = _wait_for_result(at)
    assert not at.error, [e.value for e in at.error]
    figures = {m.label: m for m in at.metric}
    assert {"recall@1 after", "recall@10 after", "mrr@10 after", "ndcg@10 after"} <= set(figures)
    assert "before" in figures["mrr@10 after"].proto.delta
    assert len(local_models()) == 1 and "fine-tuned on texts sharing a 'topic'" in local_models()[0].title
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Before (base model)" in spec and "After (fine-tuned, aligned)" in spec
    movers = next(df.value for df in at.dataframe if "neighbours_gained" in getattr(df.value, "columns", []))
    assert movers["moved"].between(0, 1).all() and movers["moved"].iloc[0] > 0


def test_a_fine_tuned_model_is_offered_on_the_data_page_and_deleted_here(tiny_choice):
    from core.training.pairs import pairs_from_labels
    from core.training.run import finetune, prepare
    from core.training.settings import TrainParams

    texts = toy_texts(10)
    params = TrainParams(epochs=1, batch_size=8, learning_rate=0.1)
    pairs = pairs_from_labels(texts["text"].tolist(), texts["topic"].tolist())
    result = finetune(prepare(pairs, tiny_choice.model, params), tiny_choice.model, params)
    at = _page(tiny_choice)
    at.switch_page("pages/data.py").run()
    model_box = next(s for s in at.selectbox if s.label == "Model")
    assert result.key in model_box.options or result.card["title"] in model_box.options
    at.switch_page("pages/finetune.py").run()
    assert at.button(key="ee_ft_delete").disabled  # nothing is deleted before the visitor confirms
    confirm = at.checkbox(key="ee_ft_delete_confirm")
    assert result.folder.name in confirm.label and "for good" in confirm.label
    confirm.check().run()
    at.button(key="ee_ft_delete").click().run()
    assert not at.exception and local_models() == [] and not result.folder.exists()


def running_job_page() -> None:
    """The Fine-tune page's run section over a stand-in job: one of four steps done, then waits for Cancel."""
    import threading

    import streamlit as st

    from components.training import run_panel
    from components.training.background import training_pool
    from core.jobs import JobProgress
    from core.training.run import TrainingCancelled

    if run_panel.JOB not in st.session_state:
        report, stepped = JobProgress(), threading.Event()

        def work(cancel: threading.Event) -> None:
            report.status("Training")
            report.step(1, 4)
            stepped.set()
            cancel.wait(60)
            raise TrainingCancelled("Training was cancelled after 1 of 4 steps; no model was written.")

        job = training_pool().submit("stand-in", "Fine-tuning", work, progress=report)
        stepped.wait(60)
        st.session_state[run_panel.JOB] = job
    run_panel.FINE_TUNING.outcome()


def test_a_running_job_shows_its_steps_and_time_left_and_cancels():
    at = AppTest.from_function(running_job_page, default_timeout=60).run()
    assert not at.exception, at.exception
    bar = at.get("progress")[0].proto
    assert bar.text.startswith("Training: step 1 of 4 · about ") and bar.text.endswith(" left") and bar.value == 25
    at.button(key="ee_ft_cancel").click().run()
    deadline = time.monotonic() + 60
    while not at.warning and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()
    assert not at.exception and [w.value for w in at.warning] == [
        "Training was cancelled after 1 of 4 steps; no model was written."]


def test_cosent_trains_on_an_uploaded_score_column_and_shows_spearman(tiny_choice):
    from tests.core.training.test_scored import scored_frame

    at = _page(tiny_choice)
    at.radio(key="ee_w_ft_source").set_value("file").run()
    at.file_uploader(key="ee_ft_pairs_file").set_value(
        ("sts.csv", scored_frame().to_csv(index=False).encode(), "text/csv")).run()
    at.selectbox(key="ee_ft_anchor_col").set_value("sentence1")
    at.selectbox(key="ee_ft_positive_col").set_value("sentence2").run()
    assert "ee_ft_scores_col" not in _keys(at)  # MultipleNegativesRankingLoss reads no score column
    at.selectbox(key="ee_w_ft_loss").set_value("cosent").run()
    at.selectbox(key="ee_ft_scores_col").set_value("score")
    at.number_input(key="ee_w_ft_learning_rate").set_value(0.1)
    at.number_input(key="ee_w_ft_batch_size").set_value(16).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    counts = {m.label: m.value for m in at.metric}
    assert int(counts["Training pairs (scored)"]) + int(counts["Held-out pairs"]) == len(scored_frame())
    assert any("scaled to 0-1" in c.value for c in at.caption)
    at.button(key="ee_ft_start").click().run()
    at = _wait_for_result(at)
    assert not at.error, [e.value for e in at.error]
    figures = {m.label: m for m in at.metric}
    assert {"spearman after", "recall@10 after"} <= set(figures) and "before" in figures["spearman after"].proto.delta
    assert any("Spearman on all of them" in c.value for c in at.caption)


def _keys(at: AppTest) -> set[str]:
    return {w.key for w in at.selectbox}
