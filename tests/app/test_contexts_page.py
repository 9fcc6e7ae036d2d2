"""AppTest: the Words in context page finds a word in typed sentences and shows its senses beside GloVe."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.downloads import raw_key
from components.state import SAVED

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
TYPED = "\n".join(["The river bank was muddy after the rain.", "They sat on the grassy bank of the stream.",
                   "We walked along the bank of the river at dawn.", "The bank raised interest rates again.",
                   "She deposited her salary at the bank.", "The bank approved the loan for the new house.",
                   "A sentence without the word."])


def contexts_page(saved: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[SAVED] = saved
    return at.switch_page("pages/contexts.py").run()


def test_page_waits_for_the_button():
    at = contexts_page({"ee_w_ctx_source": "typed"})
    assert not at.exception
    assert at.title[0].value == "Words in context"
    assert at.text_input(key="ee_w_ctx_word").value == "bank"
    assert not at.get("plotly_chart")
    assert any("Show contexts" in i.value for i in at.info)


@pytest.mark.slow
def test_typed_sentences_give_a_map_of_senses_and_the_glove_panel():
    at = contexts_page({"ee_w_ctx_source": "typed", "ee_w_ctx_typed": TYPED})
    at.button(key="ee_ctx_go").click().run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Occurrences"] == "6"
    assert metrics["Senses"] == "2"
    raw, base, corrected = (float(metrics[k]) for k in ("Self-similarity", "Random tokens (baseline)", "Corrected"))
    assert corrected == pytest.approx(raw - base, abs=2e-3)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 2
    senses = [t for t in charts[0]["data"] if str(t.get("name", "")).startswith("sense")]
    assert sorted(t["name"] for t in senses) == ["sense 1", "sense 2"]
    assert any("river" in h for t in senses for h in t["hovertext"])
    assert "banks" in charts[1]["data"][0]["text"]  # GloVe's nearest words around its single point


@pytest.mark.slow
def test_the_occurrences_table_gives_each_occurrence_its_sense_with_a_guarded_download():
    at = contexts_page({"ee_w_ctx_source": "typed", "ee_w_ctx_typed": TYPED})
    at.button(key="ee_ctx_go").click().run()
    assert not at.exception, at.exception
    tab = next(t for t in at.tabs if t.label.startswith("All occurrences"))
    assert tab.label == "All occurrences (6)"
    table = tab.dataframe[0].value
    assert len(table) == 6 and list(table.columns[:2]) == ["context", "sense"]
    assert table["context"].str.contains("[bank]", regex=False).all()
    assert sorted(set(table["sense"])) == ["sense 1", "sense 2"]
    assert at.checkbox(key=raw_key("ee_ctx_csv")).value is False  # the download is guarded by default


def test_a_word_absent_from_the_sentences_is_named():
    at = contexts_page({"ee_w_ctx_source": "typed", "ee_w_ctx_typed": "Nothing to see here.",
                        "ee_w_ctx_word": "zebra"})
    at.button(key="ee_ctx_go").click().run()
    assert not at.exception
    assert any("'zebra' does not occur" in e.value for e in at.error)


def test_map_search_and_evaluate_say_what_a_random_pair_scores(tmp_path, monkeypatch):
    from sklearn.datasets import load_digits

    from components.maps.anisotropy import anisotropy_text
    from core.vectors import anisotropy

    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    expected = anisotropy_text(anisotropy(load_digits().data.astype("float32")))
    assert "cosine of 0.69" in expected  # digit pixels overlap: random pairs are far from orthogonal
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update({"data": "digits", "model": "precomputed", "method": "pca"})
    at.run()
    assert not at.exception and expected in [c.value for c in at.caption]
    at.switch_page("pages/search.py").run()
    assert not at.exception and at.title[0].value == "Search"
    assert expected in [c.value for c in at.caption]
    at.switch_page("pages/evaluate.py").run()
    assert not at.exception and at.title[0].value == "Evaluate"
    assert expected in [c.value for c in at.caption]


def test_anisotropy_text_places_high_half_way_to_one():
    from components.maps.anisotropy import anisotropy_text

    assert "cosine of 0.20 on average" in anisotropy_text(0.2) and "similarity of 0.60 is half-way" in anisotropy_text(0.2)
    assert "no random pair" in anisotropy_text(float("nan"))
