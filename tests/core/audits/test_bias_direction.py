"""Bias direction (Bolukbasi et al. 2016): PCA of pairs, projections, direct bias, neutralise, semantic axes."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from core.audits.bias_direction import (
    bias_direction,
    definitional_pairs,
    direct_bias,
    neutralise,
    neutralised_vocabulary,
    parse_pairs,
    project_onto,
    projections,
    semantic_axes,
)
from core.audits.weat_audit import run_weat
from core.audits.weat_sets import typed_test
from core.audits.word_sources import NeutralisedSource, VocabularySource
from core.audits.word_vectors import WordVectors, glove_word_vectors
from core.errors import UserError

ROOT = Path(__file__).resolve().parents[3]
# Each pair differs only along the first axis, so the direction is exactly e1 and PC1 explains everything.
WORDS = {"she": [1, 1, 0], "he": [-1, 1, 0], "woman": [1, 0, 1], "man": [-1, 0, 1],
         "nurse": [0.5, 1, 0], "captain": [-1, 0, 1], "rich": [0, 1, 1], "poor": [0, -1, 1]}
TOY = WordVectors(list(WORDS), np.array(list(WORDS.values()), dtype=np.float32), label="toy")
SOURCE = VocabularySource(TOY)
PAIRS = [("she", "he"), ("woman", "man")]


def test_direction_is_the_pair_axis_oriented_to_the_first_words():
    direction = bias_direction(SOURCE, PAIRS)
    np.testing.assert_allclose(direction.vector, [1, 0, 0], atol=1e-7)
    assert direction.explained_variance_ratio[0] == pytest.approx(1.0)
    assert direction.pairs == PAIRS and direction.missing == []
    flipped = bias_direction(SOURCE, [("he", "she"), ("man", "woman")])
    np.testing.assert_allclose(flipped.vector, [-1, 0, 0], atol=1e-7)


def test_pairs_with_missing_words_are_left_out_and_reported():
    direction = bias_direction(SOURCE, PAIRS + [("gal", "guy")])
    assert direction.pairs == PAIRS and direction.missing == ["gal", "guy"]
    with pytest.raises(UserError, match="None of the definitional pairs"):
        bias_direction(SOURCE, [("gal", "guy")])


def test_projection_and_direct_bias_by_hand():
    direction = bias_direction(SOURCE, PAIRS)
    frame, missing = projections(SOURCE, ["nurse", "captain", "unknownword"], direction)
    values = dict(zip(frame["word"], frame["projection"]))
    assert values["nurse"] == pytest.approx(0.5 / math.sqrt(1.25))
    assert values["captain"] == pytest.approx(-1 / math.sqrt(2))
    assert missing == ["unknownword"] and list(frame["word"]) == ["captain", "nurse"]  # sorted
    bias1, _, _ = direct_bias(SOURCE, ["nurse", "captain"], direction, c=1)
    bias2, _, _ = direct_bias(SOURCE, ["nurse", "captain"], direction, c=2)
    assert bias1 == pytest.approx((0.5 / math.sqrt(1.25) + 1 / math.sqrt(2)) / 2)
    assert bias2 == pytest.approx((0.2 + 0.5) / 2)


def test_neutralise_removes_the_component_and_renormalises():
    g = np.array([1.0, 0, 0])
    out = neutralise(np.array([[0.5, 1, 0], [3, 0, 4]]), g)
    np.testing.assert_allclose(out, [[0, 1, 0], [0, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(project_onto(out, g), 0, atol=1e-12)


def test_neutralised_vocabulary_is_a_copy_that_keeps_gendered_words():
    before = TOY.vectors.copy()
    direction = bias_direction(SOURCE, PAIRS)
    after = neutralised_vocabulary(TOY, direction, keep=["she", "he"])
    np.testing.assert_array_equal(TOY.vectors, before)  # the stored vectors never change
    np.testing.assert_allclose(after.vectors[TOY.row("she")], TOY.unit[TOY.row("she")])
    np.testing.assert_allclose(after.vectors[TOY.row("nurse")], [0, 1, 0], atol=1e-6)
    assert "neutralised" in after.label


def test_weat_after_neutralising_targets_has_no_association():
    direction = bias_direction(SOURCE, PAIRS)
    test = typed_test("toy", {}, {"X": "nurse, rich", "Y": "captain, poor", "A": "she", "B": "he"})
    before = run_weat(test, SOURCE)
    after = run_weat(test, NeutralisedSource(SOURCE, direction.vector, keep=["she", "he"]))
    assert before.stats.S > 0.5
    assert pytest.approx(0, abs=1e-12) == after.stats.S
    assert math.isnan(after.stats.d)  # no spread left at all


def test_semantic_axes_by_hand():
    axes = semantic_axes(SOURCE, ["nurse", "captain", "nope"], (["man"], ["woman"]), (["poor"], ["rich"]))
    unit = {w: np.array(v) / np.linalg.norm(v) for w, v in WORDS.items()}
    x_axis, y_axis = unit["woman"] - unit["man"], unit["rich"] - unit["poor"]
    for word, x, y in axes.frame.itertuples(index=False):
        assert x == pytest.approx(unit[word] @ x_axis / np.linalg.norm(x_axis))
        assert y == pytest.approx(unit[word] @ y_axis / np.linalg.norm(y_axis))
    assert axes.missing == ["nope"]
    assert axes.axes_cosine == pytest.approx(0.0)


def test_semantic_axes_name_an_empty_pole():
    with pytest.raises(UserError, match="x\\+ pole"):
        semantic_axes(SOURCE, ["nurse"], (["man"], ["zzz"]), (["poor"], ["rich"]))


def test_parse_pairs():
    assert parse_pairs("she, he\n\nher - his\nwoman man\n") == [("she", "he"), ("her", "his"), ("woman", "man")]
    with pytest.raises(UserError, match="Line 1"):
        parse_pairs("she, he, it")


def test_definitional_pairs_ship_with_citation():
    doc = json.loads((ROOT / "core" / "audits" / "data" / "bolukbasi2016_definitional_pairs.json").read_text())
    assert "Bolukbasi" in doc["citation"]
    assert definitional_pairs()[:3] == [("she", "he"), ("her", "his"), ("woman", "man")]
    assert len(definitional_pairs()) == 10


def test_glove_gender_direction():
    source = VocabularySource(glove_word_vectors(100_000))
    direction = bias_direction(source, definitional_pairs())
    assert len(direction.pairs) == 10
    ratios = direction.explained_variance_ratio
    assert len(ratios) == 10 and ratios[0] == ratios.max() and ratios.sum() == pytest.approx(1.0)
    frame, _ = projections(source, ["nurse", "homemaker", "captain", "engineer"], direction)
    values = dict(zip(frame["word"], frame["projection"]))
    assert values["nurse"] > 0.1 and values["homemaker"] > 0.1  # she-side
    assert values["captain"] < -0.1 and values["engineer"] < 0  # he-side
