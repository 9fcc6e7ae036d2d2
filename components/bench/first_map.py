"""Times the first map in a fresh process: from start until the Map page (AppTest) has drawn the data
with points, then until the chosen projection (UMAP by default) has replaced the preview.

Run as a child process by `python -m core bench --only first_map`, with the view's link as its argument;
prints one JSON line.
"""
import time

_T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

from components.bench.page import TIMEOUT_S, open_app  # noqa: E402


def points_drawn(at: AppTest) -> bool:
    """Whether the page shows a map with points."""
    charts = at.get("plotly_chart")
    return bool(charts) and any("x" in trace for trace in json.loads(charts[0].proto.spec)["data"])


def title(at: AppTest) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]


if __name__ == "__main__":
    from components import seam

    at = open_app(sys.argv[1])
    at.run()
    assert not at.exception, at.exception
    assert points_drawn(at), "no map drawn"
    first = time.perf_counter() - _T0
    first_title = title(at)
    for job in list(seam.map_service().pool.jobs.values()):
        job.result(timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    print(json.dumps({"first_map_s": first, "first_map_title": first_title, "chosen_map_s": time.perf_counter() - _T0,
                      "chosen_map_title": title(at)}))
