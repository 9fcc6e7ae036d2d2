"""AppTest: the Search page's exact results ranked by a picked metric, the column named for it, against brute force."""
from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.datasets import load_digits

from components.state import DataChoice
from tests.app.test_search_page import index_current_data, search_page


def test_exact_results_follow_the_picked_metric_and_name_their_column(data_dir):
    at = search_page(DataChoice(dataset="digits", model="precomputed"))
    index_current_data(at)
    assert at.selectbox(key="ee_w_search_exact_metric").value == "cosine"  # the store's own space
    at.segmented_control(key="ee_w_search_mode").set_value("point").run()
    at.selectbox(key="ee_w_search_row").set_value(5).run()
    own = [d.value for d in at.dataframe if "similarity" in d.value.columns and "text" in d.value.columns][0]
    assert "distance" in own.columns  # the store's distance while the metric ranks as its index

    at.selectbox(key="ee_w_search_exact_metric").set_value("l1").run()
    assert not at.exception and not at.error
    table = [d.value for d in at.dataframe if "L1 distance" in d.value.columns][0]
    assert "distance" not in table.columns and "cosine similarity" not in table.columns
    x = load_digits().data
    brute = np.sort(cdist(x[5:6], x, "cityblock")[0])[:10]
    np.testing.assert_allclose(table["L1 distance"].to_numpy(), brute, atol=1e-3)
    assert any("Chroma's index ranks by cosine only, so exact search answers" in c.value for c in at.caption)
    assert at.metric[0].label == "Recall@10 vs exact"  # Chroma still measured, in its own space

    at.selectbox(key="ee_w_search_exact_metric").set_value("dot").run()
    table = [d.value for d in at.dataframe if "dot product" in d.value.columns][0]
    np.testing.assert_allclose(table["dot product"].to_numpy(), np.sort(x @ x[5])[::-1][:10], rtol=1e-5)
