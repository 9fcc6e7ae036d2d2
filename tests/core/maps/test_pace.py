"""Projection time estimates against the outcomes recorded on 2-core machines, and their correction."""
import json
from pathlib import Path

import pytest

from core.maps.pace import Outcome, correction, estimate_seconds, record, recorded_outcomes

RECORDED = Path(__file__).resolve().parents[2] / "support" / "projection_paces.json"


def recorded() -> list[Outcome]:
    return [Outcome(**{k: v for k, v in row.items() if k != "source"})
            for row in json.loads(RECORDED.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("index", range(len(recorded())))
def test_each_recorded_outcome_is_estimated_within_2x_from_the_others(index):
    outcomes = recorded()
    truth = outcomes.pop(index)
    guess = estimate_seconds(truth.method, truth.n_rows, cold=truth.cold, outcomes=outcomes)
    assert truth.seconds / 2 <= guess <= truth.seconds * 2, (truth, round(guess, 1))


def test_a_slower_machine_corrects_the_estimate_after_a_few_maps():
    base = estimate_seconds("umap", 30_000, outcomes=[])
    slow = [Outcome("umap", n, estimate_seconds("umap", n, outcomes=[]) * 3) for n in (5_000, 8_000, 12_000)]
    assert correction("umap", slow) == pytest.approx(3.0)
    assert estimate_seconds("umap", 30_000, outcomes=slow) == pytest.approx(base * 3)
    assert correction("tsne", slow) == 1.0  # another method's outcomes say nothing of t-SNE


def test_outcomes_are_recorded_per_machine_and_only_the_latest_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    assert recorded_outcomes() == []
    for seconds in range(25):
        record(Outcome("pca", 1000, float(seconds)))
    record(Outcome("umap", 1000, 9.0))
    kept = recorded_outcomes()
    assert [o.seconds for o in kept if o.method == "pca"] == [float(s) for s in range(5, 25)]
    assert [o.method for o in kept].count("umap") == 1
    (tmp_path / "projection-paces.json").write_text("not json", encoding="utf-8")
    assert recorded_outcomes() == []  # an unreadable file is no history, not an error
