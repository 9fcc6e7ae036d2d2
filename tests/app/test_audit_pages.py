"""AppTest: the Analogies and Bias pages render with default state and compute what core computes."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


def _page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _frames(at: AppTest) -> list:
    return [df.value for df in at.dataframe]


def _downloads(at: AppTest) -> list:
    return at.get("download_button")


def test_analogies_page_default_state():
    at = _page("pages/analogies.py")
    assert at.title[0].value == "Analogies"
    assert not at.error
    excluded, allowed = _frames(at)[:2]  # the answers differ with and without the inputs, so both are shown
    assert excluded["3CosAdd word"].iloc[0] == "queen" and allowed["3CosAdd word"].iloc[0] == "king"
    assert any("**queen**" in i.value and "**king**" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 1
    assert _downloads(at), "the report button appears once there is a result"


def test_analogy_scores_share_one_number_format():
    import json

    from components.audits.analogy_panels import SCORE_FORMAT, scores_as_text

    at = _page("pages/analogies.py")
    answers = [d for d in at.dataframe if "3CosAdd score" in d.value.columns]
    assert len(answers) == 2
    for table in answers:
        config = json.loads(table.proto.columns)
        assert {c: config[c]["type_config"]["format"] for c in ("3CosAdd score", "3CosMul score")} == {
            "3CosAdd score": SCORE_FORMAT, "3CosMul score": SCORE_FORMAT}
    shown = scores_as_text(answers[0].value)  # as the report writes them
    assert shown["3CosAdd score"].str.fullmatch(r"-?\d\.\d{4}").all() and shown["3CosAdd word"].iloc[0] == "queen"


def test_analogies_page_names_an_unknown_word():
    at = _page("pages/analogies.py")
    at.text_input(key="ee_w_analogy_b").set_value("kingqqq").run()
    assert not at.exception
    assert any("'kingqqq' is not in the vocabulary" in e.value for e in at.error)


def test_analogy_benchmark_in_the_ui_matches_core():
    at = _page("pages/analogies.py")
    at.button(key="ee_bench_run").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["3CosAdd accuracy"] == "49.7%" and metrics["Coverage"] == "76.1%"
    table = _frames(at)[-1]
    assert table["section"].iloc[-1] == "Total accuracy" and table["3CosAdd correct"].iloc[-1] == 7393


def test_bias_page_runs_weat_and_shows_the_table():
    from core.audits.weat_audit import run_weats
    from core.audits.weat_sets import caliskan_tests
    from core.audits.word_sources import make_source

    at = _page("pages/bias.py")
    assert at.title[0].value == "Bias (WEAT)" and not at.error
    at.button(key="ee_weat_run").click().run()
    assert not at.exception and not at.error
    table = _frames(at)[0]
    assert list(table["test"]) == [f"weat{i}" for i in range(1, 11)]
    expected = run_weats(caliskan_tests(), make_source("glove-6b-50d"))
    assert table["d"].tolist() == pytest.approx([r.stats.d for r in expected], abs=1e-12)  # what the CLI prints
    assert table["d_ci_low"].tolist() == pytest.approx([r.interval.low for r in expected], abs=1e-12)
    assert (table["d_ci_low"] < table["d"]).all() and (table["d"] < table["d_ci_high"]).all()
    assert table["p_holm"].tolist() == pytest.approx([r.p_holm for r in expected])
    assert list(table.columns[:8]) == ["test", "d", "d_ci_low", "d_ci_high", "p", "p_two_sided", "p_holm", "p_bh"]
    assert any("Holm" in c.value and "Benjamini" in c.value for c in at.caption)
    assert at.get("plotly_chart")[1].proto.spec and "bootstrap interval" in at.get("plotly_chart")[1].proto.spec
    assert table.loc[0, "missing"] == "gladiola"
    assert len(at.get("plotly_chart")) >= 2  # effect sizes, plus the direction tab's figures
    assert any(b.proto.label.startswith("Download the audit report") for b in _downloads(at))


def test_bias_page_shows_every_builtin_test():
    at = _page("pages/bias.py")
    picker = at.pills(key="ee_w_weat_tests")
    assert len(picker.options) == 10 and picker.options[9].startswith("WEAT 10: Young vs old")
    assert picker.value == [f"weat{i}" for i in range(1, 11)]
    assert picker.proto.wrap and picker.proto.click_mode == picker.proto.MULTI_SELECT  # rows without a height cap


def test_bias_page_custom_typed_test():
    at = _page("pages/bias.py")
    at.pills(key="ee_w_weat_tests").set_value([]).run()
    at.checkbox(key="ee_w_weat_typed_on").check().run()
    at.text_area(key="ee_w_weat_A_words").set_value("he, him, his, man, zzqqy").run()
    at.button(key="ee_weat_run").click().run()
    assert not at.exception and not at.error
    table = _frames(at)[0]
    assert list(table["test"]) == ["custom"] and table.loc[0, "missing"] == "zzqqy"
    assert table.loc[0, "p_method"] == "exact" and table.loc[0, "permutations"] == 924  # C(12, 6)


def test_bias_page_neutralise_preview():
    at = _page("pages/bias.py")
    at.button(key="ee_debias_run").click().run()
    assert not at.exception and not at.error
    frames = [f for f in _frames(at) if "d after" in f.columns or "answer after" in f.columns]
    weat, analogies = frames
    assert list(weat["test"]) == ["weat6", "weat7", "weat8"]
    assert (weat["d after"].abs() < weat["d before"].abs()).all()
    assert analogies["analogy"].iloc[0] == "man : king :: woman : ?" and analogies["answer before"].iloc[0] == "queen"


def test_bias_page_reports_bad_templates():
    at = _page("pages/bias.py")
    at.selectbox(key="ee_w_bias_model").select("minilm").run()
    at.text_area(key="ee_w_bias_templates").set_value("No placeholder here.").run()
    assert not at.exception
    assert any("no [word] placeholder" in e.value for e in at.error)


@pytest.mark.slow
def test_bias_page_sentence_model_weat():
    at = _page("pages/bias.py")
    at.selectbox(key="ee_w_bias_model").select("minilm").run()
    assert not at.exception and not at.error
    assert "This is [word]." in at.text_area(key="ee_w_bias_templates").value
    at.pills(key="ee_w_weat_tests").set_value(["weat6"]).run()
    at.button(key="ee_weat_run").click().run()
    assert not at.exception and not at.error
    table = _frames(at)[0]
    assert table.loc[0, "n_X"] == 24 and table.loc[0, "p_method"] == "sampled"  # 8 names x 3 templates


def _fake_embed(self, texts, progress=None):
    """A deterministic 16-d vector per text, instead of MiniLM."""
    import zlib

    import numpy as np

    if progress:
        progress(len(texts), len(texts))
    return np.array([np.random.default_rng(zlib.crc32(t.encode())).normal(size=16) for t in texts])


def test_bias_page_ceat_for_sentence_models(monkeypatch):
    from core.audits.word_sources import TemplateSource

    monkeypatch.setattr(TemplateSource, "embed", _fake_embed)
    at = _page("pages/bias.py")
    assert not [r for r in at.radio if r.key == "ee_w_weat_method"]  # GloVe: WEAT only
    at.selectbox(key="ee_w_bias_model").select("minilm").run()
    at.radio(key="ee_w_weat_method").set_value("ceat").run()
    assert not at.exception and not at.error
    assert any("Contexts come from the current dataset" in c.value for c in at.caption)
    at.pills(key="ee_w_weat_tests").set_value(["weat6", "weat7"]).run()
    at.number_input(key="ee_w_ceat_samples").set_value(200).run()
    at.button(key="ee_ceat_run").click().run()
    assert not at.exception and not at.error
    table = next(f for f in _frames(at) if "ES" in f.columns)
    assert list(table["test"]) == ["weat6", "weat7"] and (table["samples"] == 200).all()
    assert table["I2"].between(0, 1).all() and (table["ci_low"] < table["ES"]).all() and (table["SE"] > 0).all()
    assert "ceat" in at.session_state["ee_audit_sections"]
