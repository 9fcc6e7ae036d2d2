"""Times the Map page in AppTest: a first run, then a rerun after a colour change.

Run as a child process by `python -m core bench --only rerun`, with the view's link as its argument; core/ stays
free of Streamlit. Prints one JSON line.
"""
import json
import sys
import time

from components.bench.page import open_app

if __name__ == "__main__":
    at = open_app(sys.argv[1])
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    assert not at.exception, at.exception
    box = at.selectbox(key="ee_w_color")
    other = next(o for o in box.options if o not in (box.value, "(none)"))
    t0 = time.perf_counter()
    box.set_value(other).run()
    warm = time.perf_counter() - t0
    assert not at.exception, at.exception
    print(json.dumps({"rerun_cold_s": cold, "rerun_warm_s": warm, "rerun_color": other}))
