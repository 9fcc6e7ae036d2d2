"""What a large map sends: its figure's bytes as st.plotly_chart sends them, with numbers as float32 typed arrays."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from core.maps.payload import figure_bytes, map_figure, recolour_payload


def _data(n: int = 6_000) -> tuple[np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"text": [f"row {i}" for i in range(n)], "kind": rng.choice(list("abc"), n),
                          "score": rng.random(n)})
    return rng.normal(size=(n, 2)).astype(np.float32), frame


def test_the_bytes_are_those_streamlit_puts_in_the_chart_message():
    from streamlit.testing.v1 import AppTest

    coords, frame = _data()
    fig = map_figure(coords, frame, text_column="text", color="kind", max_points=1_000)

    def page(figure_json: str) -> None:
        import plotly.io
        import streamlit as st

        st.plotly_chart(plotly.io.from_json(figure_json))

    at = AppTest.from_function(page, args=(fig.to_json(),)).run()
    sent = at.get("plotly_chart")[0].proto.spec
    assert figure_bytes(fig) == len(sent.encode("utf-8"))
    traces = json.loads(sent)["data"]
    assert all(t["x"]["dtype"] == "f4" and "bdata" in t["x"] for t in traces)  # 4 bytes a coordinate
    assert json.loads(sent)["layout"]["images"][0]["source"].startswith("data:image/png")


def test_a_colour_change_resends_the_whole_recoloured_figure():
    coords, frame = _data()
    sent = recolour_payload(coords, frame, text_column="text", first="kind", then="score", max_points=1_000)
    after = map_figure(coords, frame, text_column="text", color="score", max_points=1_000)
    assert sent["rerun_bytes"] == figure_bytes(after)
    assert sent["first_bytes"] == figure_bytes(map_figure(coords, frame, text_column="text", color="kind",
                                                          max_points=1_000))
    assert 1_000 * 8 < sent["rerun_bytes"] < 1_000 * 200  # the drawn sample, not every point
