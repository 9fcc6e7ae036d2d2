"""The quality figures, report sections and settings: what the page and the report show."""
import numpy as np
import pandas as pd
import pytest

from core.audits.report import build_report
from core.quality.drift import measure_drift
from core.quality.duplicates import find_duplicates, pairs_frame
from core.quality.figures import LINK_COLOUR, drift_map, duplicate_map, outlier_map
from core.quality.graph import cosine_graph
from core.quality.outliers import find_outliers, why_alone
from core.quality.report import drift_section, duplicates_section, outliers_section
from core.quality.settings import QUALITY_SETTINGS
from core.vectors import unit_rows


@pytest.fixture()
def data():
    rng = np.random.default_rng(0)
    X = unit_rows(rng.normal(size=(60, 8)), np.float32)
    X[30] = X[3]  # an exact copy
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(60)]})
    return X, frame, rng.normal(size=(60, 2)).astype(np.float32)


def test_the_duplicate_map_joins_each_pair_by_a_line(data):
    X, frame, coords = data
    result = find_duplicates(X, frame["text"].tolist(), use_cache=False)
    fig = duplicate_map(coords, frame, "text", result.groups, result.pairs)
    line = next(t for t in fig.data if t.line.color == LINK_COLOUR)
    assert len(line.x) == 3 * len(result.pairs) == 3  # start, end and a gap per pair
    assert list(line.x[:2]) == pytest.approx([coords[3, 0], coords[30, 0]]) and np.isnan(line.x[2])


def test_the_outlier_map_is_coloured_by_score_and_the_drift_map_leaves_out_neither_side(data):
    X, frame, coords = data
    result = find_outliers(X, contamination=0.05, use_cache=False)
    fig = outlier_map(coords, frame, "text", result.scores, result.flagged)
    assert any(t.name == "outlier score" for t in fig.data)
    names = np.array(["A"] * 20 + [""] * 20 + ["B"] * 20)
    drawn = drift_map(coords, frame, "text", names).data
    assert sorted(t.name for t in drawn) == ["A", "B"] and sum(len(t.x) for t in drawn) == 40


def test_the_report_holds_every_section(data):
    X, frame, coords = data
    texts = frame["text"].tolist()
    outliers = find_outliers(X, use_cache=False)
    duplicates = find_duplicates(X, texts, use_cache=False)
    side = np.arange(60) >= 30
    drift = measure_drift(X, side, permutations=10)
    shift = pd.DataFrame({"label": ["c0"], "share_a": [0.5], "share_b": [0.4], "change": [-0.1]})
    sections = [outliers_section(outliers, why_alone(outliers, cosine_graph(X, 16), texts), dataset="toy"),
                duplicates_section(duplicates, pairs_frame(duplicates, np.arange(60), texts), dataset="toy"),
                drift_section(drift, shift, [("A", ["t1"]), ("B", ["t40"])], sides=("A", "B"))]
    html = build_report(sections)
    assert "<h2>Outliers</h2>" in html and "<h2>Near-duplicates</h2>" in html and "<h2>Drift</h2>" in html
    assert "1 rows repeat an earlier row&#x27;s text exactly" not in html  # no text duplicates here
    assert "0 rows repeat an earlier row" in html and "1 an earlier row" in html
    assert "Most typical of B" in html and "t40" in html


@pytest.mark.parametrize("setting", QUALITY_SETTINGS, ids=lambda s: s.key)
def test_each_setting_reads_back_its_default_within_its_bounds(setting):
    assert setting.parse(setting.text(setting.default)) == setting.default
    if setting.bounds:
        assert setting.bounds[0] <= setting.default <= setting.bounds[1]
