"""AppTest: a link opens a view; the Map page with clusters, faithfulness and colours; the Compare page."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.maps.progressive import CLUSTERS_OPEN, FAITH_OPEN

ROOT = Path(__file__).resolve().parents[2]
DIGITS_PCA = {"data": "digits", "model": "precomputed", "method": "pca", "clusters": "kmeans", "space": "vectors",
              "k": "10", "color": "digit", "stop": "digit"}


def _app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update(query or {})
    return at.run()


def _has_expander(at: AppTest, prefix: str) -> bool:
    """Whether an expander's label starts with `prefix` (folded ones have no children, and so are falsy)."""
    return any(e.label.startswith(prefix) for e in at.expander)


def test_a_link_reopens_its_view_and_the_url_follows_changes():
    at = _app(DIGITS_PCA)
    assert not at.exception
    assert "Handwritten digits" in at.caption[0].value and "1,797 points" in at.caption[0].value
    assert at.segmented_control(key="ee_w_method").value == "pca"
    assert at.selectbox(key="ee_w_color").value == "digit"
    assert at.selectbox(key="ee_w_cluster_method").value == "kmeans"
    assert at.number_input(key="ee_w_cluster_k").value == 10
    assert at.text_input(key="ee_w_cluster_stop").value == "digit"
    assert _has_expander(at, "Clusters: 10 found")
    for key, value in DIGITS_PCA.items():  # written back unchanged
        assert at.query_params[key] == value
    at.selectbox(key="ee_w_color").set_value("cluster").run()
    assert at.query_params["color"] == "cluster" and not at.exception


def test_a_bad_link_keeps_what_it_can_and_says_what_it_ignored():
    at = _app({"data": "digits", "model": "precomputed", "method": "mds", "dims": "9", "seed": "7"})
    assert not at.exception
    assert any("method, dims" in w.value for w in at.warning)
    assert at.segmented_control(key="ee_w_method").value == "umap"  # the default, instead of "mds"
    assert at.number_input(key="ee_w_seed").value == 7 and "Handwritten digits" in at.caption[0].value


@pytest.mark.slow
def test_a_link_to_an_upload_from_another_session_falls_back_with_a_note():
    at = _app({"data": "upload:0123456789abcdef", "model": "minilm", "method": "pca"})
    assert not at.exception
    assert any("lives only in the session that uploaded it" in w.value for w in at.warning)


def test_map_with_clusters_faithfulness_colours_and_filters():
    at = _app({"data": "digits", "model": "precomputed", "method": "pca"})
    assert not at.exception
    assert at.selectbox(key="ee_w_cluster_method").value == "hdbscan"  # clusters are on by default
    assert at.selectbox(key="ee_w_color").value == "cluster"
    assert _has_expander(at, "Clusters:") and _has_expander(at, "How far") and not at.dataframe and not at.metric
    at.session_state[CLUSTERS_OPEN] = at.session_state[FAITH_OPEN] = True  # drawn once unfolded
    at.run()
    assert _has_expander(at, "Clusters:") and any("keywords" in d.value.columns for d in at.dataframe)
    labels = [m.label for m in at.metric]
    assert any(label.startswith("kNN preservation") for label in labels)
    assert any(label.startswith("Trustworthiness") for label in labels)
    for colour in ("faithfulness: kNN kept", "faithfulness: trustworthiness", "digit"):
        at.selectbox(key="ee_w_color").set_value(colour).run()
        assert not at.exception
    at.selectbox(key="ee_w_filter_column").set_value("cluster").run()
    first = at.multiselect(key="ee_w_filter_values_cluster").options[0]
    at.multiselect(key="ee_w_filter_values_cluster").select(first).run()
    assert not at.exception and any("points shown" in c.value for c in at.caption)


def test_cluster_form_switches_method_and_space():
    at = _app({"data": "digits", "model": "precomputed", "method": "pca"})
    at.selectbox(key="ee_w_cluster_method").set_value("agglomerative")
    at.radio(key="ee_w_cluster_space").set_value("vectors")
    at.number_input(key="ee_w_cluster_k").set_value(0)
    at.session_state[CLUSTERS_OPEN] = True  # the cluster table, with its notes, is drawn once unfolded
    at.form_submit_button[1].click().run()  # the cluster form's Apply (the projection form comes first)
    assert not at.exception
    assert any("Suggested k by silhouette" in c.value for c in at.caption)
    assert any("dimensional vectors" in c.value for c in at.caption)
    at.selectbox(key="ee_w_cluster_method").set_value("none")
    at.form_submit_button[1].click().run()
    assert not at.exception and not any(e.label.startswith("Clusters:") for e in at.expander)
    assert "cluster" not in at.selectbox(key="ee_w_color").options


@pytest.mark.slow
def test_compare_page_projections_models_and_custom_axes():
    at = _app({"data": "digits", "model": "precomputed", "method": "pca"})
    at.switch_page("pages/compare.py").run()
    assert not at.exception and at.title[0].value == "Compare"
    assert len(at.get("plotly_chart")) == 2
    assert any("Mean neighbour overlap" in c.value for c in at.caption)
    at.segmented_control(key="ee_w_compare_mode").set_value("models").run()
    at.selectbox(key="ee_w_cmp_model").set_value("tfidf-lsa").run()
    assert not at.exception and len(at.get("plotly_chart")) == 2
    assert any("in the two models' original spaces" in c.value for c in at.caption)
    at.segmented_control(key="ee_w_compare_mode").set_value("axes").run()
    assert not at.exception and len(at.get("plotly_chart")) == 1
    assert any("rows matching /digit 0 /" in c.value for c in at.caption)
    at.text_input(key="ee_w_axes_0").set_value("/[/")
    at.form_submit_button[0].click().run()
    assert at.error and "not a valid regular expression" in at.error[0].value


def _npy_bytes(rows: int = 24, dims: int = 6) -> bytes:
    import io

    import numpy as np

    buf = io.BytesIO()
    np.save(buf, np.random.default_rng(0).normal(size=(rows, dims)).astype(np.float32))
    return buf.getvalue()


def test_compare_offers_vectors_only_data_no_text_model():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.switch_page("pages/data.py").run()
    at.radio(key="ee_w_source").set_value("upload").run()
    at.radio(key="ee_w_upload_kind").set_value("npy").run()
    at.file_uploader(key="ee_upload_npy").set_value(("v.npy", _npy_bytes(), "application/octet-stream")).run()
    at.button(key="ee_upload_use_npy").click().run()
    at.button(key="ee_embed").click().run()
    at.session_state["ee_w_compare_mode"] = "models"
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "ee_w_cmp_model"]  # no text model embeds "row 3"
    assert any("no text for a model to embed, only its own vectors" in i.value for i in at.info)


def _projection_form_script():
    import streamlit as st

    from components.maps.controls import projection_form
    from components.state import save_widget_state

    st.session_state["ee_test_params"] = projection_form()
    save_widget_state()


def _compare_settings_script():
    import streamlit as st

    from components.maps.compare_modes import compare_settings
    from components.state import save_widget_state

    st.session_state["ee_test_params"] = compare_settings()
    save_widget_state()


def _sliders(at: AppTest) -> set[str]:
    return {s.key for s in at.slider}


def test_map_form_shows_only_the_settings_of_the_chosen_method():
    at = AppTest.from_function(_projection_form_script, default_timeout=60).run()
    assert _sliders(at) == {"ee_w_neighbors", "ee_w_min_dist"}
    at.slider(key="ee_w_neighbors").set_value(40)
    at.form_submit_button[0].click().run()
    at.segmented_control(key="ee_w_method").set_value("tsne").run()  # outside the form: takes effect at once
    assert _sliders(at) == {"ee_w_perplexity"} and not at.exception
    params = at.session_state["ee_test_params"]
    assert params.method == "tsne" and params.n_neighbors == 40  # a hidden setting keeps its value
    at.segmented_control(key="ee_w_method").set_value("pca").run()
    assert not at.slider and any("no further settings" in c.value for c in at.caption)
    assert at.selectbox(key="ee_w_metric") and at.number_input(key="ee_w_seed")


def test_compare_sides_show_only_the_settings_of_their_methods():
    at = AppTest.from_function(_compare_settings_script, default_timeout=60).run()
    assert _sliders(at) == {"ee_w_cmp_left_neighbors", "ee_w_cmp_right_perplexity"}
    at.segmented_control(key="ee_w_cmp_right_method").set_value("pca").run()
    assert _sliders(at) == {"ee_w_cmp_left_neighbors"} and any("no per-map settings" in c.value for c in at.caption)
    at.segmented_control(key="ee_w_cmp_left_method").set_value("tsne").run()
    assert _sliders(at) == {"ee_w_cmp_left_perplexity"} and not at.exception
    left, right = at.session_state["ee_test_params"]
    assert (left.method, right.method, left.n_components) == ("tsne", "pca", 2)


def test_a_link_colour_that_is_not_a_column_is_named_when_dropped():
    at = _app({"data": "digits", "model": "precomputed", "method": "pca", "color": "year"})
    assert not at.exception
    assert at.selectbox(key="ee_w_color").value == "cluster"
    assert any("color=year is not a column of the data shown" in w.value for w in at.warning)
    at.selectbox(key="ee_w_color").set_value("digit").run()
    assert not any("color=year" in w.value for w in at.warning)  # said once


def test_a_click_on_a_point_selects_it_in_every_drag_mode():
    """The map accepts point selections, and its click bridge (lasso and box modes) is on the page."""
    from streamlit.proto.PlotlyChart_pb2 import PlotlyChart

    at = _app({"data": "digits", "model": "precomputed", "method": "pca"})
    chart = at.get("plotly_chart")[0].proto
    assert PlotlyChart.SelectionMode.POINTS in chart.selection_mode and chart.id
    bridges = [h.proto for h in at.get("html") if '"ee_map_chart"' in h.proto.body]
    assert len(bridges) == 1 and bridges[0].unsafe_allow_javascript
    assert 'mode === "lasso" || mode === "select"' in bridges[0].body


def test_sessions_viewing_the_same_map_share_one_figure(monkeypatch):
    from components.maps import map_panel
    from components.memo import server_memos

    built, real = [], map_panel.build_scatter

    def counting_build(*args, **kwargs):
        built.append(kwargs["color"])
        return real(*args, **kwargs)

    monkeypatch.setattr(map_panel, "build_scatter", counting_build)
    server_memos()["figures"].items.clear()
    view = {"data": "digits", "model": "precomputed", "method": "pca"}
    first, second = _app(view), _app(view)
    assert not first.exception and not second.exception
    assert built == ["cluster"]  # the second session's map came from the first one's figure
    assert first.get("plotly_chart")[0].proto.spec == second.get("plotly_chart")[0].proto.spec
    second.selectbox(key="ee_w_color").set_value("digit").run()
    assert built == ["cluster", "digit"] and not second.exception
    assert first.get("plotly_chart")[0].proto.spec != second.get("plotly_chart")[0].proto.spec
