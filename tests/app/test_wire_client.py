"""The sessions bench's client of Streamlit's protocol reads the chart a session receives."""
import asyncio

import numpy as np
import pandas as pd
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components.bench.wire import _parse, chart_title, open_sessions, plotly_spec, points_in
from core.bench.browser import free_port
from core.maps.figure import build_scatter


def test_wire_client_reads_points_and_title_from_the_chart_a_session_receives():
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(50)], "kind": ["a", "b"] * 25})
    fig = build_scatter(np.random.default_rng(0).normal(size=(50, 2)), frame, text_column="text", color="kind",
                        title="UMAP of <i>x</i>")
    msg = ForwardMsg()
    msg.delta.new_element.plotly_chart.spec = fig.to_json()
    spec = plotly_spec(_parse(msg.SerializeToString()))
    assert points_in(spec) == 50  # float32 coordinates arrive base64-encoded
    assert chart_title(spec).startswith("UMAP of")
    assert points_in({"data": [{"x": [1, 2, 3]}, {"x": {"dtype": "f8", "bdata": "AAAAAAAA8D8="}}]}) == 4
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert plotly_spec(_parse(finished.SerializeToString())) is None


def test_sessions_open_from_a_thread_that_already_runs_an_event_loop():
    """Playwright's sync API keeps an event loop running in the test's thread: the client runs beside it."""
    nobody_listens = f"http://127.0.0.1:{free_port()}/"

    async def caller() -> None:
        with pytest.raises(ConnectionRefusedError):  # the server's answer, not asyncio's "running event loop"
            open_sessions(nobody_listens, 1, lambda spec: True, timeout_s=5)

    asyncio.run(caller())


def test_room_sessions_open_at_the_moment_given_not_before():
    """The room's protocol sessions wait for the moment the browser opens its own; an error names what failed."""
    import time

    from core.bench.sessions import start_wire_sessions, wire_result

    start_at = time.time() + 3
    child = start_wire_sessions(f"http://127.0.0.1:{free_port()}/", 1, None, start_at=start_at)
    with pytest.raises(RuntimeError, match="ConnectionRefusedError"):  # nobody listens: the child fails...
        wire_result(child)
    assert time.time() >= start_at  # ...but only once it has tried to connect, at the moment given
