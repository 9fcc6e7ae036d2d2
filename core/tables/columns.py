"""Which columns of a table become features, as what, and why the others are left out."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from core.errors import DataError

NUMERIC, CATEGORICAL, DATE = "numeric", "categorical", "date"
FREE_TEXT_WORDS = 4  # a string column whose values average this many words or more is free text
ID_SHARE = 0.9  # a string column with this share of distinct values (or more) names rows, like an id
DATE_SHARE = 0.95  # a string column is a date column when this share of its values reads as dates
_ID_NAME = re.compile(r"(^|[_\s])(id|key|uuid|index)$|^id[_\s]", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$|^\d{1,2}/\d{1,2}/\d{4}$")


@dataclass(frozen=True)
class ColumnPick:
    """The feature columns by role, the columns left out with the reason for each, and missing counts."""

    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    left_out: dict[str, str] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)  # missing values per feature column (kept, imputed)

    @property
    def features(self) -> tuple[str, ...]:
        return (*self.numeric, *self.categorical, *self.dates)

    def role(self, column: str) -> str | None:
        """What `column` is used as, or None when it is left out."""
        for role, names in ((NUMERIC, self.numeric), (CATEGORICAL, self.categorical), (DATE, self.dates)):
            if column in names:
                return role
        return None

    def table(self) -> pd.DataFrame:
        """One row per column: how it is used (or why not) and its missing values."""
        used = [{"column": c, "used as": self.role(c), "missing": self.missing.get(c, 0)} for c in self.features]
        out = [{"column": c, "used as": f"left out: {why}", "missing": None} for c, why in self.left_out.items()]
        return pd.DataFrame(used + out, columns=["column", "used as", "missing"]).astype({"missing": "Int64"})

    def sentence(self) -> str:
        """The pick in one sentence, with the missing values that were filled in."""
        parts = [f"{len(names)} {role}" for role, names in
                 ((NUMERIC, self.numeric), (CATEGORICAL, self.categorical), (DATE, self.dates)) if names]
        missing = sum(self.missing.values())
        text = f"Features: {', '.join(parts)} column(s); {len(self.left_out)} left out."
        if missing:
            text += f" {missing:,} missing value(s) kept: numbers and dates take the median, categories a level of their own."
        return text


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing: missing, or text of spaces only (CSV readers keep empty cells as "")."""
    return bool(pd.isna(value)) or (isinstance(value, str) and not value.strip())


def present_values(column: pd.Series) -> pd.Series:
    """The cells that hold a value."""
    return column[~column.map(is_blank).astype(bool)]


def is_date_column(column: pd.Series) -> bool:
    """Whether the column holds dates: a datetime type, or texts that read as ISO or d/m/Y dates."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return False
    values = present_values(column).astype(str).str.strip()
    return len(values) > 0 and values.str.match(_DATE_TEXT).mean() >= DATE_SHARE


def _automatic_role(name: str, column: pd.Series) -> tuple[str | None, str]:
    """A column's role when nobody chose it, or None with the reason it is left out."""
    values = present_values(column)
    if values.empty:
        return None, "no values"
    if values.nunique() <= 1:
        return None, "one value only"
    if is_date_column(column):
        return DATE, ""
    if pd.api.types.is_bool_dtype(column):
        return CATEGORICAL, ""
    if pd.api.types.is_numeric_dtype(column):
        unique_ints = pd.api.types.is_integer_dtype(column) and values.is_unique
        return (None, "an identifier (one distinct number per row)") if unique_ints and _ID_NAME.search(name) \
            else (NUMERIC, "")
    texts = values.astype(str)
    if texts.str.split().str.len().mean() >= FREE_TEXT_WORDS:
        return None, "free text (embed it with the text-column setting)"
    if texts.nunique() >= ID_SHARE * len(texts):
        return None, "an identifier (almost every row has its own value)"
    return CATEGORICAL, ""


def _chosen_role(column: pd.Series) -> str:
    """The role of a column the user named: by its type alone."""
    if is_date_column(column):
        return DATE
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return NUMERIC
    return CATEGORICAL


def pick_columns(frame: pd.DataFrame, *, columns: Sequence[str] = (), exclude: Sequence[str] = (),
                 label: str | None = None, row_names: str | None = None, text: str | None = None) -> ColumnPick:
    """The feature columns of `frame`: `columns` when given, else picked automatically; never `exclude`,
    the `label` being evaluated, the made-up `row_names` column, or the `text` column (embedded apart)."""
    _require_known(frame, [*columns, *exclude, *([text] if text else [])])
    roles: dict[str, list[str]] = {NUMERIC: [], CATEGORICAL: [], DATE: []}
    left_out: dict[str, str] = {}
    for name in frame.columns:
        reason = _reason_out(name, columns, exclude, label, row_names, text)
        role = None
        if reason is None:
            role, reason = (_chosen_role(frame[name]), "") if columns else _automatic_role(name, frame[name])
        if role is None:
            left_out[name] = reason
        else:
            roles[role].append(name)
    pick = ColumnPick(tuple(roles[NUMERIC]), tuple(roles[CATEGORICAL]), tuple(roles[DATE]), left_out)
    if not pick.features:
        raise DataError("No column of this table can be a feature (every one was left out: "
                        f"{'; '.join(f'{c}: {why}' for c, why in left_out.items())}). Choose the columns to use.")
    missing = {c: len(frame) - len(present_values(frame[c])) for c in pick.features}
    return ColumnPick(pick.numeric, pick.categorical, pick.dates, left_out, missing)


def _reason_out(name: str, columns: Sequence[str], exclude: Sequence[str], label: str | None,
                row_names: str | None, text: str | None) -> str | None:
    """Why a column is left out before its values are looked at, if it is."""
    if name == label:
        return "the label being evaluated"
    if name == text:
        return "embedded by the text model"
    if name in exclude:
        return "excluded"
    if name == row_names:
        return "row names"
    if columns and name not in columns:
        return "not among the chosen columns"
    return None


def _require_known(frame: pd.DataFrame, names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in frame.columns]
    if unknown:
        raise DataError(f"No column named {', '.join(map(repr, unknown))} in this table. "
                        f"Columns: {', '.join(map(str, frame.columns))}.")
