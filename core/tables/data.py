"""Table datasets: the payload that marks a dataset's rows as table rows, and the built-in tables."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.table import Dataset
from core.tables.transform import TableTransform

TABLE = "table"
ROW_NAMES = "row"


@dataclass
class TableData:
    """A table's column roles (the feature columns a built-in table is shown with; empty: picked automatically)
    and, once embedded, the fitted transform that made its vectors."""

    features: tuple[str, ...] = ()
    transform: TableTransform | None = None
    kind: str = TABLE

    def take(self, rows: np.ndarray) -> TableData:
        """Column roles and the transform hold for any rows."""
        return self

    def fitted(self, transform: TableTransform) -> TableData:
        return replace(self, transform=transform)


def table_dataset(frame: pd.DataFrame, name: str, *, row_names: pd.Series | None = None, description: str = "",
                  features: tuple[str, ...] = ()) -> Dataset:
    """A dataset of table rows, labelled by `row_names` (default: "row N")."""
    names = row_names if row_names is not None else pd.Series([f"row {i}" for i in range(len(frame))])
    column = ROW_NAMES if ROW_NAMES not in frame.columns else f"{ROW_NAMES}_name"
    labelled = frame.reset_index(drop=True).assign(**{column: names.astype(str).to_numpy()})
    return Dataset(name, labelled[[column, *frame.columns]], column, description=description or
                   f"{name}: {len(frame):,} rows, {frame.shape[1]} columns", generated_labels=True,
                   payload=TableData(features))


def load_table_file(path: str | Path) -> Dataset:
    """Any table file (CSV, TSV, JSON, Parquet) as table rows, read by the same safe readers as other data."""
    from core.data.loaders.files import _read_file
    from core.data.loaders.tables import read_table

    path = Path(path)
    return table_dataset(read_table(_read_file(path), path.name), path.stem)


GAPMINDER_FEATURES = ("continent", "year", "lifeExp", "pop", "gdpPercap")


def gapminder() -> Dataset:
    """Gapminder (shipped with plotly): life expectancy, population and GDP per head of 142 countries, every
    five years from 1952 to 2007; each row is a country in a year."""
    from plotly.data import gapminder as plotly_gapminder

    frame = pd.DataFrame(plotly_gapminder()).astype({"country": object, "continent": object, "iso_alpha": object})
    names = frame["country"] + " " + frame["year"].astype(str)
    return table_dataset(frame, "gapminder", row_names=names, features=GAPMINDER_FEATURES, description=(
        "Gapminder as shipped with plotly: 1,704 rows, one per country and year (142 countries, every five years "
        "1952-2007), with continent, life expectancy, population and GDP per head (US$, inflation-adjusted). "
        "The table model uses continent, year, lifeExp, pop and gdpPercap; the country names and ISO codes label "
        "the rows. Population and GDP are skewed, so a few large countries stand out."))
