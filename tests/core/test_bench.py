"""The bench machinery with a tiny fake section registry: no model, no timing thresholds."""
import json
import os

import pytest

from core.bench import runner as bench
from core.cli.commands import main
from core.errors import UserError


@pytest.fixture
def fake_sections(monkeypatch):
    seen = {}

    def alpha(workdir):
        seen["alpha"] = (workdir, os.environ.get("EE_DATA_DIR"))
        assert workdir.is_dir()
        return {"encode_ours_per_s": 90.0, "encode_baseline_per_s": 100.0, "encode_ratio": 0.9, "encode_n": 3}

    def beta(workdir):
        seen["beta"] = (workdir, os.environ.get("EE_DATA_DIR"))
        return {"beta_value": 1.5}

    monkeypatch.setattr(bench, "SECTIONS", {"alpha": alpha, "beta": beta})
    return seen


def test_json_is_one_object_with_the_chosen_sections_keys(fake_sections, capsys):
    before = os.environ.get("EE_DATA_DIR")
    assert bench.run_bench(as_json=True, sections=["alpha"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)  # fails unless stdout is exactly one JSON document
    assert isinstance(data, dict)
    assert set(data) == {"encode_ours_per_s", "encode_baseline_per_s", "encode_ratio", "encode_n"}
    assert "beta" not in fake_sections
    # the section ran in a scratch folder that is gone afterwards, and the data folder is restored
    workdir, data_dir = fake_sections["alpha"]
    assert not workdir.exists()
    assert data_dir != before
    assert os.environ.get("EE_DATA_DIR") == before


def test_all_sections_run_by_default(fake_sections, capsys):
    assert bench.run_bench(as_json=True) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"encode_ratio", "beta_value"} <= set(data)


def test_table_shows_pairs_side_by_side(fake_sections, capsys):
    assert bench.run_bench(as_json=False, sections=["alpha", "beta"]) == 0
    out = capsys.readouterr().out
    assert "ours/plain 0.90x" in out
    assert "beta_value" in out


@pytest.mark.parametrize("sections", [["nope"], ["alpha", "nope"], []])
def test_unknown_or_no_section_is_a_user_error(fake_sections, sections):
    with pytest.raises(UserError, match="Available: alpha, beta"):
        bench.run_bench(as_json=True, sections=sections)
    assert not fake_sections  # nothing ran


def test_cli_unknown_section_exits_non_zero(fake_sections, capsys):
    assert main(["bench", "--json", "--only", "nope"]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nope" in captured.err


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux /proc")
def test_sessions_bench_reads_memory_and_cpu_of_a_process_tree():
    import subprocess
    import sys
    from pathlib import Path

    from core.bench.sessions import _process_tree, cpu_s, rss_mb

    child = subprocess.Popen([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(30)"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert child.pid in _process_tree(os.getpid())
        status = Path("/proc/self/status").read_text().splitlines()
        self_only = int(next(x for x in status if x.startswith("VmRSS:")).split()[1]) / 1024
        child_mb = rss_mb(child.pid)
        assert child_mb > 1
        assert rss_mb(os.getpid()) >= self_only + child_mb - 5  # the tree counts the child too
    finally:
        child.kill()
        child.wait()
    before = cpu_s(os.getpid())
    sum(i * i for i in range(3_000_000))
    assert cpu_s(os.getpid()) > before

