"""The table model's settings, each defined once: the CLI options, the widgets and `TableSettings` derive from
`TABLE_SETTINGS`."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from core.setting import Setting

REDUCERS = ("pca", "svd")
TEXT_MODEL_DEFAULT = "minilm-onnx-int8"


def parse_names(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """Column names from a comma-separated text (or a tuple of them), blanks dropped, order kept."""
    names = text.split(",") if isinstance(text, str) else text
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


TABLE_SETTINGS: tuple[Setting, ...] = (
    Setting("columns", "columns", "Feature columns", (), widget="text", convert=parse_names,
            widget_name="table_columns",
            help="the columns that become features, comma-separated; empty: picked automatically"),
    Setting("exclude", "exclude", "Columns left out", (), widget="text", convert=parse_names,
            widget_name="table_exclude", help="columns never used as features, comma-separated"),
    Setting("min_frequency", "rare_share", "Pool levels rarer than (share of rows)", 0.01, bounds=(0.0, 0.5),
            step=0.005, widget="number", format="%.3f", widget_name="table_rare_share",
            help="a categorical level held by a smaller share of the rows joins one 'infrequent' level; 0 keeps all"),
    Setting("text_column", "text_feature", "Text column embedded too", "", widget="text",
            widget_name="table_text_feature",
            help="a column of free text embedded with a text model and added to the features; empty: none"),
    Setting("text_model", "text_model", "Model for the text column", TEXT_MODEL_DEFAULT, widget="text",
            widget_name="table_text_model", help="the text model that embeds the text column"),
    Setting("text_weight", "text_weight", "Weight of the text column", 1.0, bounds=(0.0, 10.0), step=0.1,
            widget="number", widget_name="table_text_weight",
            help="the text vector (unit length) is multiplied by this before it joins the standardised columns"),
    Setting("dimensions", "table_dims", "Reduce to dimensions", None, bounds=(1, 1024), widget="number",
            auto="keep every feature", help="reduce the features to this many dimensions"),
    Setting("reducer", "reducer", "Reduction", "pca", choices=REDUCERS, choice_labels=("PCA", "Truncated SVD"),
            widget="segmented", widget_name="table_reducer",
            help="how the features are reduced to the dimensions asked for"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in TABLE_SETTINGS}


@dataclass(frozen=True)
class TableSettings:
    """How the table model turns rows into vectors (defaults from `TABLE_SETTINGS`)."""

    columns: tuple[str, ...] = BY_NAME["columns"].default
    exclude: tuple[str, ...] = BY_NAME["exclude"].default
    min_frequency: float = BY_NAME["min_frequency"].default
    text_column: str = BY_NAME["text_column"].default
    text_model: str = BY_NAME["text_model"].default
    text_weight: float = BY_NAME["text_weight"].default
    dimensions: int | None = BY_NAME["dimensions"].default
    reducer: str = BY_NAME["reducer"].default

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> TableSettings:
        """Settings from values by setting key (CLI namespace or widgets); missing keys keep their default."""
        return cls(**{s.name: values[s.key] for s in TABLE_SETTINGS if s.key in values})

    @classmethod
    def from_keys(cls, values: Mapping[str, Any]) -> TableSettings:
        """Settings from texts or widget values by setting key (a link's parameters), each cast by its row."""
        return cls(**{s.name: s.cast(values[s.key]) for s in TABLE_SETTINGS if s.key in values})

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
