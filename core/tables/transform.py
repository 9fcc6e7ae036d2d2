"""The table model's fitted transform: a scikit-learn ColumnTransformer, an optional text column, an optional
reduction. It is kept with the vectors, so that new rows and queries go through the same steps."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.tables.columns import ColumnPick, is_blank
from core.tables.settings import TableSettings

MISSING_LEVEL = "(missing)"
DATE_PARTS = ("year", "month", "day", "day_of_week")
EncodeTexts = Callable[[list[str]], np.ndarray]


def date_parts(frame: pd.DataFrame) -> np.ndarray:
    """Each date column as its year, month, day of month and day of week (NaN where the date is missing)."""
    parts = []
    for name in frame.columns:
        when = pd.to_datetime(frame[name], errors="coerce", format="mixed")
        parts += [when.dt.year, when.dt.month, when.dt.day, when.dt.dayofweek]
    return np.column_stack([p.to_numpy(dtype=float, na_value=np.nan) for p in parts]) if parts else \
        np.empty((len(frame), 0))


def date_part_names(_transformer, columns: Sequence[str]) -> np.ndarray:
    return np.array([f"{c}_{part}" for c in columns for part in DATE_PARTS], dtype=object)


def as_levels(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as text levels, NaN where blank (the imputer then makes it a level of its own)."""
    return frame.astype(object).map(lambda v: np.nan if is_blank(v) else str(v))


def column_transformer(pick: ColumnPick, min_frequency: float):
    """The unfitted ColumnTransformer: numbers median-imputed and standardised; categories one-hot with rare
    levels pooled and missing as a level; dates split into parts, then as numbers."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    def numbers() -> list:
        return [("impute", SimpleImputer(strategy="median", keep_empty_features=True)), ("scale", StandardScaler())]

    levels = Pipeline([
        ("text", FunctionTransformer(as_levels, feature_names_out="one-to-one")),
        ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_LEVEL, keep_empty_features=True)),
        ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=min_frequency or None,
                                 sparse_output=False))])
    dates = Pipeline([("parts", FunctionTransformer(date_parts, feature_names_out=date_part_names)), *numbers()])
    parts = [("numeric", Pipeline(numbers()), list(pick.numeric)), ("categorical", levels, list(pick.categorical)),
             ("dates", dates, list(pick.dates))]
    return ColumnTransformer([p for p in parts if p[2]], remainder="drop", sparse_threshold=0.0)


def feature_sources(fitted) -> list[str]:
    """The source column of each output feature of a fitted `column_transformer`, in output order."""
    sources: list[str] = []
    for name, step, columns in fitted.transformers_:
        if name == "categorical":
            encoder = step.named_steps["onehot"]
            for i, column in enumerate(columns):
                pooled = encoder.infrequent_categories_[i]
                n = len(encoder.categories_[i]) - (0 if pooled is None else len(pooled) - 1)
                sources += [column] * n
        elif name == "dates":
            sources += [c for c in columns for _ in DATE_PARTS]
        elif name == "numeric":
            sources += list(columns)
    return sources


@dataclass
class TableTransform:
    """A fitted table transform: rows in, vectors out; `sources` names the column behind each feature."""

    pick: ColumnPick
    settings: TableSettings
    columns: object  # the fitted ColumnTransformer
    sources: tuple[str, ...]  # per feature before the reduction
    encode_text: EncodeTexts | None = None
    reducer: object | None = None  # fitted PCA or TruncatedSVD
    note: str = ""

    def features(self, frame: pd.DataFrame) -> np.ndarray:
        """The rows as features before any reduction: the transformed columns, then the weighted text vector."""
        table = np.asarray(self.columns.transform(frame), dtype=np.float64)  # type: ignore[attr-defined]
        if self.encode_text is None:
            return table
        return np.hstack([table, self.settings.text_weight * text_vectors(frame, self.settings, self.encode_text)])

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """The rows as vectors, exactly as the fitted rows were made."""
        features = self.features(frame)
        out = features if self.reducer is None else self.reducer.transform(features)  # type: ignore[attr-defined]
        return np.asarray(out, dtype=np.float32)


def text_vectors(frame: pd.DataFrame, settings: TableSettings, encode: EncodeTexts) -> np.ndarray:
    """The text column's vectors; a missing or unreadable text gives a zero vector."""
    texts = frame[settings.text_column].fillna("").astype(str).tolist()
    return np.nan_to_num(np.asarray(encode(texts), dtype=np.float64))


def fit_table(frame: pd.DataFrame, pick: ColumnPick, settings: TableSettings,
              encode_text: EncodeTexts | None = None) -> tuple[TableTransform, np.ndarray]:
    """The transform fitted on `frame`, and `frame`'s vectors."""
    columns = column_transformer(pick, settings.min_frequency)
    table = np.asarray(columns.fit_transform(frame), dtype=np.float64)
    sources = feature_sources(columns)
    if encode_text is not None:
        text = settings.text_weight * text_vectors(frame, settings, encode_text)
        table, sources = np.hstack([table, text]), sources + [settings.text_column] * text.shape[1]
    fitted = TableTransform(pick, settings, columns, tuple(sources), encode_text)
    if settings.dimensions is not None:
        fitted.reducer, fitted.note = _reducer(settings, table.shape)
        return fitted, np.asarray(fitted.reducer.fit_transform(table), dtype=np.float32)  # type: ignore[attr-defined]
    return fitted, table.astype(np.float32)


def _reducer(settings: TableSettings, shape: tuple[int, int]) -> tuple[object, str]:
    """PCA or truncated SVD to the dimensions asked for (fewer when the features or rows are fewer)."""
    from sklearn.decomposition import PCA, TruncatedSVD

    asked = settings.dimensions or shape[1]
    limit = min(shape) - (1 if settings.reducer == "svd" else 0)
    d = max(1, min(asked, limit))
    note = f"Reduced to {d} dimensions (asked {asked}; the features allow {limit})." if d < asked else ""
    reducer = PCA(d, random_state=0) if settings.reducer == "pca" else TruncatedSVD(d, random_state=0)
    return reducer, note
