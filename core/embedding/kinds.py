"""Models for data that is not text (images, graphs, tables): which exist, and which embeds a dataset.

Each kind's room holds a module (`KIND_MODULES`) that defines, without heavy imports at module level:
- `MODELS`: a dict of model key -> `KindModel`;
- `DEFAULT_MODEL`: the key offered first for that kind;
- `embed(dataset, model_key, *, progress=None, cancel=None, cache=None) -> (Dataset, EmbeddingResult)`:
  the dataset with vectors attached (rows that failed excluded, with reasons) and how they were made.
Keys are unique across kinds and the text registry. A kind's models take datasets of that kind only,
except the table model, which takes the columns of any dataset's frame.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from core.data.table import TEXT, VECTORS, Dataset
from core.setting import Setting

KIND_MODULES = {"image": "core.images.models", "graph": "core.graphs.models", "table": "core.tables.models"}
TEXT_ONLY = "{page} needs text: it works on words and sentences, and {data} has none. Choose a text dataset on the Data page."


@dataclass(frozen=True)
class ModelOptions:
    """A kind model's own settings: the keyword its `embed` takes them under, their `Setting` rows, and how the
    settings object is built from values keyed by setting key (what links and widgets hold)."""

    keyword: str
    settings: tuple[Setting, ...]
    build: Callable[[dict[str, Any]], Any]

    def texts(self, value: Any) -> dict[str, str]:
        """The settings that differ from their defaults, as link parameters."""
        default = self.build({})
        return {s.key: s.text(getattr(value, s.name)) for s in self.settings
                if getattr(value, s.name) != getattr(default, s.name)}


@dataclass(frozen=True)
class KindModel:
    """A model for one data kind: its picker title, a one-paragraph card, and which datasets it takes."""

    key: str
    title: str
    description: str
    kind: str
    accepts: Callable[[Dataset], bool] | None = None  # None: datasets of `kind` only
    options: ModelOptions | None = None  # its own settings, when it has some

    def takes(self, dataset: Dataset) -> bool:
        """Whether this model can embed `dataset`."""
        return self.accepts(dataset) if self.accepts is not None else dataset.kind == self.kind


def kind_module(kind: str) -> ModuleType:
    """The module that holds a kind's models and its `embed`."""
    return importlib.import_module(KIND_MODULES[kind])


def kind_models() -> dict[str, KindModel]:
    """Every non-text model, by key."""
    return {key: spec for kind in KIND_MODULES for key, spec in kind_module(kind).MODELS.items()}


def kind_model(key: str) -> KindModel | None:
    """The non-text model named `key`, if it is one."""
    return kind_models().get(key)


def models_for(dataset: Dataset) -> list[str]:
    """The non-text models that can embed `dataset`, its kind's default first."""
    keys = [k for k, spec in kind_models().items() if spec.takes(dataset)]
    default = getattr(kind_module(dataset.kind), "DEFAULT_MODEL", None) if dataset.kind in KIND_MODULES else None
    return sorted(keys, key=lambda k: k != default)


def is_text_kind(dataset: Dataset) -> bool:
    """Whether the dataset's rows are texts a text model can read."""
    return dataset.kind == TEXT


def text_only_sentence(page: str, dataset: Dataset) -> str:
    """The one sentence a text-only page shows for data of another kind."""
    data = {VECTORS: "a file of vectors"}.get(dataset.kind, f"this {dataset.kind} data")
    return TEXT_ONLY.format(page=page, data=data)


def embedding_kind(dataset: Dataset, model_key: str) -> str | None:
    """Which kind's `embed` embeds `dataset` with `model_key`; None for the text path."""
    spec = kind_model(model_key)
    if spec is not None:
        return spec.kind
    return dataset.kind if dataset.kind in KIND_MODULES else None
