"""AppTest: the Index lab run under a picked metric: indexes built for it, the others skipped with a sentence."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.state import ACTIVE, DataChoice

ROOT = Path(__file__).resolve().parents[2]


def test_the_lab_ranks_by_the_picked_metric_and_says_what_it_skipped():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[ACTIVE] = DataChoice(dataset="digits", model="precomputed")
    at.switch_page("pages/indexlab.py").run()
    assert not at.exception
    at.selectbox(key="ee_w_indexlab_metric").set_value("l1")
    at.number_input(key="ee_w_queries").set_value(30)
    at.number_input(key="ee_w_k").set_value(5)
    at.button[0].click().run()  # the form's Run button
    at.session_state["ee_indexlab_job"].result()
    at.run()
    assert not at.exception and not at.error
    table = [d.value for d in at.dataframe if "recall@k" in d.value.columns][0]
    assert table["index"].iloc[0] == "exact" and table["recall@k"].iloc[0] == 1.0
    assert not any(name.startswith(("Chroma", "int8", "binary", "IVF-PQ")) for name in table["index"])
    assert "Chroma HNSW was skipped: it cannot rank by L1 (Manhattan)." in [i.value for i in at.info]
    assert any(c.value.endswith("top 5, ranked by L1 (Manhattan).") for c in at.caption)
