"""The tables models (see core.embedding.kinds for the contract)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import TYPE_CHECKING

from core.data.table import Dataset
from core.embedding.kinds import KindModel, ModelOptions
from core.tables.settings import TABLE_SETTINGS, TableSettings

if TYPE_CHECKING:
    from core.tables.columns import ColumnPick
    from core.tables.transform import TableTransform

TABLE_MODEL = "table"


def has_columns(dataset: Dataset) -> bool:
    """Whether the dataset has a column besides made-up row names (a bare file of vectors has none)."""
    return dataset.frame.shape[1] > (1 if dataset.generated_labels else 0)


MODELS: dict[str, KindModel] = {
    TABLE_MODEL: KindModel(
        TABLE_MODEL, "Table columns (standardised numbers, one-hot categories, date parts)",
        "Each row becomes a vector of its columns: numbers median-imputed and standardised, categories one-hot "
        "(rare levels pooled, missing as a level of its own), dates split into year, month, day and weekday. "
        "Identifiers, constant columns and free text are left out unless you choose them; the label you "
        "evaluate is never a feature. Distances are Euclidean on these features.",
        "table", accepts=has_columns, options=ModelOptions("settings", TABLE_SETTINGS, TableSettings.from_keys)),
}
DEFAULT_MODEL = TABLE_MODEL


def _settings_for(dataset: Dataset, settings: TableSettings | None) -> TableSettings:
    """The settings asked for; a built-in table's own feature columns when none are named."""
    settings = settings or TableSettings()
    features = getattr(dataset.payload, "features", ())
    return replace(settings, columns=features) if features and not settings.columns else settings


def pick_for(dataset: Dataset, settings: TableSettings | None = None, label_column: str | None = None) -> ColumnPick:
    """The feature columns the table model takes from `dataset` (the made-up row names and the text column, which
    is embedded apart, never among them)."""
    from core.tables.columns import pick_columns

    settings = _settings_for(dataset, settings)
    row_names = dataset.text_column if dataset.generated_labels else None
    return pick_columns(dataset.frame, columns=settings.columns, exclude=settings.exclude, label=label_column,
                        row_names=row_names, text=settings.text_column or None)


def table_transform(dataset: Dataset) -> TableTransform | None:
    """The fitted transform behind a table-embedded dataset's vectors; None for other vectors."""
    return getattr(dataset.payload, "transform", None)


def embed(dataset: Dataset, model_key: str, *, progress=None, cancel=None, cache=None,
          settings: TableSettings | None = None, label_column: str | None = None, **_):
    """The dataset's rows as vectors through a fitted table transform, kept on the returned dataset's payload."""
    from core.embedding.encode import EmbeddingResult
    from core.jobs import check
    from core.tables.data import TableData
    from core.tables.transform import fit_table

    check(cancel)
    settings = _settings_for(dataset, settings)
    pick = pick_for(dataset, settings, label_column)
    encode = _text_encoder(settings, cache, progress, cancel) if settings.text_column else None
    transform, vectors = fit_table(dataset.frame, pick, settings, encode)
    payload = (dataset.payload if isinstance(dataset.payload, TableData) else TableData()).fitted(transform)
    if progress:
        progress(len(dataset), len(dataset))
    result = EmbeddingResult(vectors, _model_id(settings, label_column), n_cached=0, n_encoded=len(dataset))
    return replace(dataset, vectors=vectors, payload=payload), result


def _text_encoder(settings: TableSettings, cache, progress, cancel):
    """Texts -> unit vectors with the text model, through the embedding cache."""
    from core.embedding.encode import embed_texts

    return lambda texts: embed_texts(texts, settings.text_model, cache=cache, progress=progress,
                                     cancel=cancel).vectors


def _model_id(settings: TableSettings, label_column: str | None) -> str:
    """A name for the vectors that changes with every setting."""
    text = json.dumps({**settings.as_dict(), "label": label_column}, sort_keys=True, default=str)
    return f"table-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
