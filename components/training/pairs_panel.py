"""The Fine-tune page's inputs: the base model, where the pairs come from, and the parameters."""
from __future__ import annotations

from typing import Any

import streamlit as st

from components import seam
from components.data.upload import TABLE_TYPES
from components.setting_widgets import setting_widget
from components.state import DataChoice, persist
from core.data import loaders
from core.data.table import Dataset
from core.embedding.models import CUSTOM_PREFIX, model_title
from core.errors import UserError
from core.training import pairs as build
from core.training.losses import LOSSES, Loss
from core.training.settings import SETTINGS, params_from
from core.training.store import local_models

SOURCES = {"group": "This data: consecutive texts of one group are pairs",
           "label": "This data: two texts with the same label are a pair",
           "file": "A pairs file (anchor and positive columns, or scored pairs)"}
NONE = "(none)"
PAIRS_UPLOAD = "ee_ft_pairs_file"


def base_model_options(choice: DataChoice) -> list[str]:
    """MiniLM, the current model when it is a sentence-transformers one, and the fine-tuned models."""
    current = [choice.model] if choice.model.startswith(CUSTOM_PREFIX) else []
    tuned = [m.key for m in local_models() if m.key.startswith(CUSTOM_PREFIX)]  # static models have no transformer
    return list(dict.fromkeys(["minilm", *current, *tuned]))


def base_model_picker(choice: DataChoice) -> str:
    options = base_model_options(choice)
    default = choice.model if choice.model in options else options[0]
    return st.selectbox("Base model", options, format_func=model_title,
                        **persist("ee_w_ft_base", default, options=options))


def _column_choice(dataset: Dataset, label: str, key: str) -> str | None:
    options = [NONE, *dataset.metadata_columns]
    column = st.selectbox(label, options, **persist(key, NONE, options=options))
    return None if column == NONE else column


def _from_data(choice: DataChoice, source: str, seed: int) -> build.PairSet | None:
    dataset = seam.raw_dataset(choice)
    if source == "group":
        column = _column_choice(dataset, "Grouping column (for example the document)", "ee_w_ft_group")
        return None if column is None else build.pairs_from_groups(dataset.texts, dataset.frame[column].tolist(),
                                                                   name=column)
    column = _column_choice(dataset, "Label column", "ee_w_ft_label")
    return None if column is None else build.pairs_from_labels(dataset.texts, dataset.frame[column].tolist(),
                                                               seed=seed, name=column)


def _from_file(loss: Loss) -> build.PairSet | None:
    file = st.file_uploader("Pairs file (CSV, TSV, JSON, JSONL or Parquet)", type=TABLE_TYPES,
                            key=PAIRS_UPLOAD)
    if file is None:
        return None
    frame = loaders.read_table(file.getvalue(), file.name)
    columns = list(map(str, frame.columns))
    c1, c2, c3 = st.columns(3)
    anchor = c1.selectbox("Anchor column", columns, key="ee_ft_anchor_col")
    positive = c2.selectbox("Positive column", columns, index=min(1, len(columns) - 1), key="ee_ft_positive_col")
    score = _score_column(loss, columns, c3)
    if score is not None:
        return build.scored_pairs_from_columns(frame, anchor, positive, score, labels=loss.scored == "labels",
                                               needed_by=loss.title)
    negative = c3.selectbox("Negative column (optional)", [NONE, *columns], key="ee_ft_negative_col")
    return build.pairs_from_columns(frame, anchor, positive, None if negative == NONE else negative)


def _score_column(loss: Loss, columns: list[str], place: Any) -> str | None:
    """The label or score column, offered only for a loss that reads one (none: positives 1, mined negatives 0)."""
    if not loss.scored:
        return None
    what = "Label column (0 or 1)" if loss.scored == "labels" else "Score column (any range, scaled to 0-1)"
    column = place.selectbox(f"{what}, optional", [NONE, *columns], key=f"ee_ft_{loss.scored}_col",
                             help=f"{loss.title} trains on each pair's {loss.scored[:-1]} when one is chosen; "
                                  "without one, the positive is 1 and each mined negative 0.")
    return None if column == NONE else column


def pairs_input(choice: DataChoice, params: Any) -> build.PairSet | None:
    """The training pairs the user chose, or None (with a hint) until they are complete."""
    source = st.radio("Training pairs", list(SOURCES), format_func=SOURCES.get,
                      **persist("ee_w_ft_source", "group", options=list(SOURCES)))
    try:
        pairs = _from_file(LOSSES[params.loss]) if source == "file" else _from_data(choice, source, params.seed)
    except UserError as err:
        st.error(str(err))
        return None
    if pairs is None:
        st.info("Choose the column that makes the pairs." if source != "file" else
                "Upload a table with one pair per row: an anchor (a query) and its positive (the text it should "
                "find), and optionally a negative; or, for ContrastiveLoss or CoSENTLoss, two texts and a label "
                "(0 or 1) or score (any range, such as STS's 0-5) column.")
    return pairs


def params_input() -> Any:
    """One widget per training setting (core.training.settings), in columns."""
    values = {}
    for column, setting in zip(st.columns(3) * (len(SETTINGS) // 3 + 1), SETTINGS):
        with column:
            values[setting.name] = setting_widget(setting, key=f"ee_w_ft_{setting.key}")
    return params_from(values)
