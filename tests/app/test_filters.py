"""AppTest: the row filter widget shared by the Map and Search pages, from widgets to the rows it keeps."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def filtered_rows() -> None:
    """Twenty rows with a few digits and a score per row; the rows the filter keeps land in session state."""
    import pandas as pd
    import streamlit as st

    from components.filters import FilterWidget, row_filter

    frame = pd.DataFrame({"text": [f"row {i}" for i in range(20)], "digit": [i % 3 for i in range(20)],
                          "score": [i / 2 for i in range(20)], "same": [1.0] * 20})
    widget = FilterWidget("ee_w_test_filter", "ee_w_test", "Filter by", "Only these {column} values", ranges=("same",))
    chosen = row_filter(frame, "text", widget)
    st.session_state["rows"] = None if chosen is None else chosen.mask(frame).nonzero()[0].tolist()


def test_values_and_ranges_keep_their_rows():
    at = AppTest.from_function(filtered_rows, default_timeout=60).run()
    assert not at.exception and at.session_state["rows"] is None
    assert at.selectbox(key="ee_w_test_filter").options == ["(none)", "digit", "score", "same"]
    at.selectbox(key="ee_w_test_filter").set_value("digit").run()
    assert at.multiselect(key="ee_w_test_values_digit").label == "Only these digit values"
    assert at.session_state["rows"] is None  # nothing picked keeps every row
    at.multiselect(key="ee_w_test_values_digit").set_value([2]).run()
    assert at.session_state["rows"] == [2, 5, 8, 11, 14, 17]
    at.selectbox(key="ee_w_test_filter").set_value("score").run()
    assert at.slider(key="ee_w_test_range_score").value == (0.0, 9.5) and at.session_state["rows"] is None
    at.slider(key="ee_w_test_range_score").set_value((2.0, 3.0)).run()
    assert at.session_state["rows"] == [4, 5, 6]
    at.selectbox(key="ee_w_test_filter").set_value("same").run()  # a constant column offers no range
    assert not at.exception and not at.slider and at.session_state["rows"] is None
