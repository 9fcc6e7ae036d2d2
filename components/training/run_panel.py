"""The Fine-tune page's run: the prepared pairs and their counts, the time it will take here, Start and Cancel."""
from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from components import seam
from components.progress import duration, progress
from components.training.background import RunSlot
from core.embedding.models import model_title
from core.errors import UserError
from core.jobs import PacedProgress
from core.training import speed
from core.training.heldout import retrieval_pairs
from core.training.pairs import MIN_PAIRS, PairSet, sample
from core.training.run import Prepared, finetune, prepare
from core.training.train import negatives_per_anchor

_log = logging.getLogger(__name__)

JOB = "ee_ft_job"
PREPARED = "ee_ft_prepared"
SPEEDS = "ee_ft_speeds"
PREVIEW_ROWS = 50


def sample_input(pairs: PairSet) -> int:
    """How many of the pairs to use (all by default; the estimate below can offer fewer)."""
    return int(st.number_input("Pairs to use (a random sample when fewer than all)", MIN_PAIRS, len(pairs),
                               value=len(pairs), step=100, key=sample_key(pairs)))


def sample_key(pairs: PairSet) -> str:
    return f"ee_ft_sample_{pairs.data_hash()}"


def prepared_pairs(pairs: PairSet, base: str, params: Any) -> Prepared:
    """The split, the base model's vectors and the mined negatives; kept while the inputs stay the same."""
    key = (base, pairs.data_hash(), params.eval_split, params.seed, params.hard_negatives, params.margin)
    store = st.session_state.setdefault(PREPARED, {})
    if key not in store:
        get = seam.embedder_getter(base)
        with progress(f"Embedding the pairs' texts with {model_title(base)} and mining hard negatives") as tick:
            store.clear()
            store[key] = prepare(pairs, base, params, get_embedder=get, progress=tick)
    return store[key]


def show_preparation(prepared: Prepared, params: Any) -> None:
    """Counts (pairs, held out, positives, hard negatives mined) and a preview of the training rows."""
    if prepared.train.scores is not None:
        show_scored(prepared)
        return
    k = negatives_per_anchor(prepared.train, params.hard_negatives)
    cols = st.columns(4)
    cols[0].metric("Training pairs (positives)", f"{len(prepared.train):,}")
    cols[1].metric("Held-out pairs", f"{len(prepared.held):,}")
    cols[2].metric("Hard negatives mined", f"{prepared.mined.count:,}",
                   help=f"{prepared.mined.anchors_with_negatives:,} anchors got at least one; {k} per anchor are "
                        "used, topped up with random texts of other groups where mining found fewer.")
    cols[3].metric("Negatives per anchor", k)
    preview = prepared.train.frame().head(PREVIEW_ROWS)
    preview["hard negatives"] = [" | ".join(n) for n in prepared.mined.negatives[:PREVIEW_ROWS]]
    with st.expander(f"Preview of the training pairs (first {min(PREVIEW_ROWS, len(prepared.train))})"):
        st.dataframe(preview.drop(columns="group"), hide_index=True, width="stretch", key="ee_ft_preview")


def show_scored(prepared: Prepared) -> None:
    """Counts of scored pairs (nothing is mined: their scores say which are negative) and a preview."""
    cols = st.columns(3)
    cols[0].metric("Training pairs (scored)", f"{len(prepared.train):,}")
    cols[1].metric("Held-out pairs", f"{len(prepared.held):,}")
    cols[2].metric("Held-out positives (score ≥ 0.5)", f"{len(retrieval_pairs(prepared.held)):,}",
                   help="the held-out pairs the retrieval figures are measured on; Spearman uses every held-out pair")
    st.caption(f"Training on {prepared.train.source}; no hard negatives are mined.")
    with st.expander(f"Preview of the training pairs (first {min(PREVIEW_ROWS, len(prepared.train))})"):
        st.dataframe(prepared.train.frame().head(PREVIEW_ROWS).drop(columns="group"), hide_index=True,
                     width="stretch", key="ee_ft_preview")


def measured_speed(prepared: Prepared, base: str, params: Any) -> float:
    """Training pairs per second on this machine, measured once per model and batch shape."""
    key = (base, params.batch_size, params.max_seq_length, negatives_per_anchor(prepared.train, params.hard_negatives),
           prepared.train.data_hash())
    speeds = st.session_state.setdefault(SPEEDS, {})
    if key not in speeds:
        with st.spinner(f"Timing {speed.CALIBRATION_STEPS} training steps here to estimate the time…"):
            speeds[key] = speed.measure_pairs_per_s(base, prepared.train, params)
    return speeds[key]


def show_estimate(prepared: Prepared, pairs: PairSet, base: str, params: Any) -> None:
    """How long training takes here, and an offer of a smaller sample when it would take long."""
    rate = measured_speed(prepared, base, params)
    seconds = speed.estimate_seconds(len(prepared.train), params, rate)
    st.info(f"Training {len(prepared.train):,} pairs for {params.epochs} epoch(s) takes about {duration(seconds)} "
            f"here (measured just now: {rate:.1f} pairs/s over {speed.CALIBRATION_STEPS} training steps of "
            f"{params.batch_size} pairs), plus encoding the held-out pairs before and after.")
    if seconds > speed.TARGET_SECONDS:
        share = speed.pairs_for(speed.TARGET_SECONDS, params, rate) / max(1, len(prepared.train))
        n = max(MIN_PAIRS, int(len(pairs) * share))
        st.button(f"Use a sample of {n:,} pairs instead (about {duration(speed.TARGET_SECONDS)})",
                  key="ee_ft_use_sample", on_click=lambda: st.session_state.__setitem__(sample_key(pairs), n))


FINE_TUNING = RunSlot(JOB, "Fine-tuning", "ee_ft_cancel")


def start_training(prepared: Prepared, base: str, params: Any) -> None:
    """Queue a run on the server's training worker; its time left starts from the pace measured before the run and
    follows the run's own steps."""
    report = PacedProgress(expected_step_s=speed.step_seconds(params, measured_speed(prepared, base, params)))
    FINE_TUNING.start(lambda cancel: finetune(prepared, base, params, progress=report.step, status=report.status,
                                              cancel=cancel), report)


def start_button(prepared: Prepared, base: str, params: Any) -> None:
    """Start training in the background (one run per session at a time)."""
    if st.button("Start fine-tuning", type="primary", key="ee_ft_start", disabled=FINE_TUNING.busy()):
        try:
            start_training(prepared, base, params)
        except UserError as err:  # a read-only server, or a visitor who must wait for a place
            st.warning(str(err))
            return
        st.rerun()


def run_section(pairs: PairSet, base: str, params: Any) -> Any:
    """Prepare, show counts and the estimate, offer Start; returns the finished run's result, if any."""
    pairs = sample(pairs, sample_input(pairs), seed=params.seed)
    try:
        prepared = prepared_pairs(pairs, base, params)
        show_preparation(prepared, params)
        show_estimate(prepared, pairs, base, params)
    except UserError as err:
        st.error(str(err))
        return None
    start_button(prepared, base, params)
    return FINE_TUNING.outcome()
