"""The table transform against a hand-built scikit-learn pipeline, and the column pick."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.data.builtins import load_builtin
from core.embedding.encode import embed_dataset
from core.errors import DataError
from core.tables.columns import pick_columns
from core.tables.data import table_dataset
from core.tables.settings import TableSettings
from core.tables.transform import MISSING_LEVEL, fit_table


def shop_frame() -> pd.DataFrame:
    """Customers: numbers with gaps, a category with a rare level and a gap, an id, a constant, a label."""
    rng = np.random.default_rng(0)
    n = 60
    colour = rng.choice(["red", "green", "blue"], n).astype(object)
    colour[:2] = "violet"  # rare: 2 of 60 rows
    colour[5:9] = np.nan  # 4 of 60: a level of its own
    spend = rng.normal(100, 20, n)
    spend[[3, 7, 11]] = np.nan
    return pd.DataFrame({"customer_id": np.arange(1000, 1000 + n), "spend": spend, "visits": rng.integers(1, 9, n),
                         "colour": colour, "country": ["NZ"] * n, "segment": rng.choice(["a", "b"], n)})


def test_the_transform_equals_a_hand_built_pipeline():
    frame = shop_frame()
    pick = pick_columns(frame, label="segment")
    assert pick.numeric == ("spend", "visits") and pick.categorical == ("colour",)
    transform, ours = fit_table(frame, pick, TableSettings(min_frequency=0.05))
    theirs = ColumnTransformer([
        ("n", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), ["spend", "visits"]),
        ("c", make_pipeline(SimpleImputer(strategy="constant", fill_value=MISSING_LEVEL),
                            OneHotEncoder(min_frequency=0.05, handle_unknown="infrequent_if_exist",
                                          sparse_output=False)), ["colour"]),
    ]).fit_transform(frame)
    assert ours.shape == theirs.shape == (60, 2 + 5)  # blue, green, red, (missing), infrequent (violet)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert transform.sources == ("spend", "visits", *["colour"] * 5)


def test_missing_values_are_kept_and_counted():
    frame = shop_frame()
    pick = pick_columns(frame, label="segment")
    assert pick.missing == {"spend": 3, "visits": 0, "colour": 4}
    transform, vectors = fit_table(frame, pick, TableSettings())
    assert len(vectors) == len(frame) and np.isfinite(vectors).all()
    median = np.nanmedian(frame["spend"])
    spend = transform.columns.named_transformers_["numeric"]
    assert spend.named_steps["impute"].statistics_[0] == pytest.approx(median)
    assert "3 missing" not in pick.sentence() and "7 missing value(s) kept" in pick.sentence()
    assert pick.table().set_index("column").loc["spend", "missing"] == 3


def test_ids_constants_and_the_label_are_left_out_with_reasons():
    pick = pick_columns(shop_frame(), label="segment")
    assert "customer_id" not in pick.features and "identifier" in pick.left_out["customer_id"]
    assert pick.left_out["country"] == "one value only"
    assert pick.left_out["segment"] == "the label being evaluated"


def test_the_label_is_never_a_feature_even_when_chosen():
    pick = pick_columns(shop_frame(), columns=("spend", "segment"), label="segment")
    assert pick.features == ("spend",)


def test_chosen_and_excluded_columns_override_the_pick():
    frame = shop_frame()
    assert pick_columns(frame, columns=("visits", "customer_id")).features == ("customer_id", "visits")
    assert "colour" not in pick_columns(frame, exclude=("colour",)).features
    with pytest.raises(DataError, match="No column named 'nope'"):
        pick_columns(frame, exclude=("nope",))


def test_dates_are_split_into_parts():
    frame = pd.DataFrame({"when": ["2024-01-31", "2024-02-29", None, "2023-12-25"], "n": [1.0, 2.0, 3.0, 4.0]})
    pick = pick_columns(frame)
    assert pick.dates == ("when",)
    transform, vectors = fit_table(frame, pick, TableSettings())
    assert transform.sources == ("n", "when", "when", "when", "when")
    parts = transform.columns.named_transformers_["dates"].named_steps["parts"].transform(frame[["when"]])
    np.testing.assert_array_equal(parts[0], [2024, 1, 31, 2])  # a Wednesday
    np.testing.assert_array_equal(parts[1], [2024, 2, 29, 3])
    assert np.isnan(parts[2]).all() and np.isfinite(vectors).all()


def test_a_text_column_joins_with_its_weight():
    frame = pd.DataFrame({"n": [1.0, 2.0, 3.0], "note": ["a b", "c", None]})
    pick = pick_columns(frame, columns=("n",))

    def encode(texts):
        return np.array([[len(t), 1.0] for t in texts])

    _, once = fit_table(frame, pick, TableSettings(text_column="note", text_weight=1.0), encode)
    transform, twice = fit_table(frame, pick, TableSettings(text_column="note", text_weight=2.0), encode)
    np.testing.assert_allclose(twice[:, 1:], 2 * once[:, 1:])
    np.testing.assert_allclose(twice[:, 1:], [[6, 2], [2, 2], [0, 2]])  # a missing text is the empty text
    assert transform.sources == ("n", "note", "note")


def test_new_rows_and_a_reduction_go_through_the_fitted_transform():
    frame = shop_frame()
    transform, vectors = fit_table(frame, pick_columns(frame), TableSettings(dimensions=3))
    assert vectors.shape == (60, 3)
    np.testing.assert_allclose(transform.transform(frame.iloc[[4, 9]]), vectors[[4, 9]], rtol=1e-5, atol=1e-6)
    new = frame.iloc[[0]].assign(colour="never seen")  # an unseen level joins the pooled one
    assert np.isfinite(transform.transform(new)).all()


def test_the_table_model_embeds_any_dataset_and_keeps_its_transform():
    dataset = table_dataset(shop_frame(), "shop")
    embedded, result = embed_dataset(dataset, "table", label_column="segment")
    transform = embedded.payload.transform
    assert embedded.kind == "table" and len(embedded) == 60 and "segment" not in transform.pick.features
    assert "row" in transform.pick.left_out  # the made-up row names
    np.testing.assert_allclose(transform.transform(embedded.frame), embedded.vectors, rtol=1e-5, atol=1e-6)
    assert result.model_id != embed_dataset(dataset, "table")[1].model_id  # the label changes the vectors' name


def test_gapminder_ships_offline_as_a_table():
    dataset = load_builtin("gapminder")
    assert dataset.kind == "table" and len(dataset) == 1704
    assert dataset.texts[0] == "Afghanistan 1952"
    embedded, _ = embed_dataset(dataset, "table")
    assert embedded.payload.transform.pick.features == ("year", "lifeExp", "pop", "gdpPercap", "continent")
    assert embedded.vectors.shape == (1704, 4 + 5)  # 5 continents


def test_blank_cells_are_missing_like_empty_ones():
    frame = shop_frame()
    blank = frame.assign(colour=frame["colour"].fillna(" "))
    assert pick_columns(blank).missing["colour"] == pick_columns(frame).missing["colour"] == 4
    np.testing.assert_array_equal(fit_table(blank, pick_columns(blank), TableSettings())[1],
                                  fit_table(frame, pick_columns(frame), TableSettings())[1])
    dates = pd.DataFrame({"when": ["2024-01-03", "", "2024-03-23"], "n": [1.0, 2.0, 3.0]})
    assert pick_columns(dates).dates == ("when",) and pick_columns(dates).missing["when"] == 1
