"""A bench child's peak memory is its own, not that of the process that started it."""
import sys

import numpy as np
import pytest

from core.bench.child import json_child, peak_rss_mb

HELD_MB = 400


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork-inherited peaks are Linux's")
def test_a_child_does_not_report_its_parents_peak(tmp_path):
    held = np.ones(HELD_MB * 2**20 // 8)  # touched: the parent's resident memory grows by HELD_MB
    assert peak_rss_mb() >= HELD_MB
    code = ("import json; from core.bench.child import peak_rss_mb; "
            "print(json.dumps({'peak_mb': peak_rss_mb()}))")
    child = json_child(["-c", code], tmp_path, "peak", own_kernels=False)
    assert held.sum() > 0
    assert 0 < child["peak_mb"] < HELD_MB / 2  # a bare interpreter with numpy, far below what the parent holds

