"""AppTest: the Map page's first run imports only what draws the map: no chart library for the folded
faithfulness chart (Altair), no graph library (networkx) for data that is not a graph."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNNEEDED = ("altair", "networkx")

FIRST_RUN = f"""
import sys
from streamlit.testing.v1 import AppTest
from components.maps.progressive import FAITH_OPEN

at = AppTest.from_file("app.py", default_timeout=600)
at.query_params.update({{"data": "digits", "model": "precomputed", "method": "pca"}})
at.run()
assert not at.exception and at.get("plotly_chart")
print("first:" + ",".join(name for name in {UNNEEDED!r} if name in sys.modules))
at.session_state[FAITH_OPEN] = True
at.run()
assert not at.exception and any(m.label.startswith("kNN preservation") for m in at.metric)
print("unfolded:" + ",".join(name for name in {UNNEEDED!r} if name in sys.modules))
"""


def test_the_first_map_imports_no_chart_or_graph_library_it_does_not_draw(tmp_path):
    proc = subprocess.run([sys.executable, "-c", FIRST_RUN], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "", "EE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    first, unfolded = proc.stdout.splitlines()[-2:]
    assert first == "first:"
    assert unfolded == "unfolded:altair"  # the faithfulness chart, once asked for
