"""AppTest: graphs on the Data page (built-in and uploaded, with their settings), the Map page (edges, degree,
faithfulness) and the Evaluate page (node labels and link prediction)."""
import json
from pathlib import Path

import networkx as nx
from streamlit.testing.v1 import AppTest

from components.graphs.settings_panel import GRAPH_PARAMS
from components.state import ACTIVE, SAVED, DataChoice
from core.graphs.settings import GraphParams

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
FAST = GraphParams(walk_length=20, dimensions=16)
KARATE = DataChoice("builtin", "karate-club", model="node2vec", options=((GRAPH_PARAMS, FAST),))


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def _on(page: str, choice: DataChoice = KARATE) -> AppTest:
    at = _app()
    at.session_state[ACTIVE] = choice
    at.session_state[SAVED] = {"ee_w_method": "pca"}  # PCA: no UMAP kernels to compile for 34 points
    at.run()
    at.switch_page(page).run()
    return at


def test_the_data_page_embeds_the_karate_club_with_its_settings():
    at = _on("pages/data.py")
    at.selectbox(key="ee_w_builtin").select("karate-club").run()
    assert not at.exception
    assert at.selectbox(key="ee_w_model").options[0].startswith("node2vec")
    at.number_input(key="ee_w_walk_length").set_value(20).run()
    at.number_input(key="ee_w_graph_dimensions").set_value(16).run()
    assert any("same seed gives the same vectors" in c.value for c in at.caption)
    at.button(key="ee_embed").click().run()
    assert not at.exception
    assert any("34 vectors of dimension 16" in s.value for s in at.success)


def test_an_uploaded_edge_list_becomes_a_graph():
    at = _on("pages/data.py")
    at.radio(key="ee_w_source").set_value("upload").run()
    at.radio(key="ee_w_upload_kind").set_value("graph").run()
    edges = "\n".join(["who,whom"] + [f"{u},{v}" for u, v in nx.karate_club_graph().edges()] + ["3,3"]) + "\n"
    at.file_uploader(key="ee_upload_graph").set_value(("ties.csv", edges.encode(), "text/csv")).run()
    assert not at.exception
    assert (at.selectbox(key="ee_graph_source").value, at.selectbox(key="ee_graph_target").value) == ("who", "whom")
    at.button(key="ee_upload_use_graph").click().run()
    assert not at.exception
    assert any("1 self-loop(s) removed" in i.value for i in at.info)
    assert at.selectbox(key="ee_w_model").options[0].startswith("node2vec")


def test_the_map_draws_edges_and_shows_faithfulness():
    at = _on("pages/map.py")
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = [t for t in spec["data"] if t.get("mode") == "lines"]
    assert len(lines) == 1 and len(lines[0]["x"]["bdata"] if isinstance(lines[0]["x"], dict) else lines[0]["x"]) > 0
    at.checkbox(key="ee_w_graph_edges").uncheck().run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not [t for t in spec["data"] if t.get("mode") == "lines"]
    assert "degree" in at.selectbox(key="ee_w_color").options
    assert "graph faithfulness" in at.selectbox(key="ee_w_color").options
    assert any("nearest embedding neighbours" in c.value for c in at.caption)


def test_the_evaluate_page_predicts_links():
    at = _on("pages/evaluate.py")
    assert not at.exception
    at.button(key="ee_link_prediction_run").click().run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "link_auc" in d.value.columns]
    assert len(tables) == 1 and 0.5 < float(tables[0]["link_auc"].iloc[0]) <= 1.0


def test_search_finds_a_nodes_nearest_nodes(tmp_path, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    at = _app()
    at.session_state[ACTIVE] = KARATE
    at.session_state[SAVED] = {"ee_w_method": "pca"}
    at.switch_page("pages/search.py").run()
    at.button(key="ee_search_index").click().run()
    assert not at.exception
    at.selectbox(key="ee_w_search_row").set_value(0).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if {"rank", "similarity", "text"} <= set(d.value.columns)]
    assert len(tables) == 1 and tables[0]["text"].iloc[0] == "0" and len(tables[0]) == 10


def test_compare_sets_two_graph_models_side_by_side():
    at = _app()
    at.session_state[ACTIVE] = KARATE
    at.session_state[SAVED] = {"ee_w_method": "pca", "ee_w_compare_mode": "models", "ee_w_cmp_model": "deepwalk"}
    at.run()  # the map embeds the current model first, as a visitor's session does before Compare
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.selectbox(key="ee_w_cmp_model").options[:2] == ["DeepWalk (uniform random walks + skip-gram)",
                                                             "Spectral embedding (Laplacian eigenmaps, baseline)"]
    assert len(at.get("plotly_chart")) >= 2
