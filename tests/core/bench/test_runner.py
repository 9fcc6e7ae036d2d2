"""The bench machinery with a tiny fake section registry (no model, no timing thresholds), and the real
registry's every section run once at its smoke sizes."""
import json
import math
import os
import subprocess
import sys

import pytest

from core.bench import runner as bench
from core.bench.runner import Section
from core.cli.commands import main
from core.errors import UserError
from core.paths import PROJECT_ROOT


@pytest.fixture
def fake_sections(monkeypatch):
    seen = {}

    def alpha(workdir, sizes):
        seen["alpha"] = (workdir, os.environ.get("EE_DATA_DIR"))
        seen["alpha_sizes"] = sizes
        assert workdir.is_dir()
        return {"encode_ours_per_s": 90.0, "encode_baseline_per_s": 100.0, "encode_ratio": 0.9, "encode_n": sizes}

    def beta(workdir, sizes):
        seen["beta"] = (workdir, os.environ.get("EE_DATA_DIR"))
        return {"beta_value": 1.5}

    monkeypatch.setattr(bench, "SECTIONS", {"alpha": Section(alpha, 3, smoke=1), "beta": Section(beta, 0, smoke=0)})
    return seen


def test_json_is_one_object_with_the_chosen_sections_keys(fake_sections, capsys):
    before = os.environ.get("EE_DATA_DIR")
    assert bench.run_bench(as_json=True, sections=["alpha"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)  # fails unless stdout is exactly one JSON document
    assert isinstance(data, dict)
    assert set(data) == {"encode_ours_per_s", "encode_baseline_per_s", "encode_ratio", "encode_n", "section_alpha_s"}
    assert data["encode_n"] == 3  # the full sizes
    assert data["section_alpha_s"] >= 0
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


def test_smoke_runs_the_sections_at_their_smoke_sizes(fake_sections, capsys):
    assert main(["bench", "--smoke", "--json", "--only", "alpha"]) == 0
    assert fake_sections["alpha_sizes"] == 1
    assert json.loads(capsys.readouterr().out)["encode_n"] == 1


@pytest.mark.parametrize(("figures", "message"), [({}, "alpha reported no figures"),
                                                  ({"beta_value": 2.0}, "already reported: beta_value")])
def test_a_section_without_figures_or_repeating_another_s_fails(monkeypatch, capsys, figures, message):
    sections = {"beta": Section(lambda workdir, sizes: {"beta_value": 1.5}, 0, smoke=0),
                "alpha": Section(lambda workdir, sizes: figures, 0, smoke=0)}
    monkeypatch.setattr(bench, "SECTIONS", sections)
    with pytest.raises(RuntimeError, match=message):
        bench.run_bench(as_json=True)
    assert capsys.readouterr().out == ""


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



@pytest.mark.slow
def test_every_section_runs_at_smoke_sizes_and_reports_finite_figures(tmp_path):
    """`python -m core bench --smoke --json`: each registered section starts, finishes and reports its figures."""
    env = dict(os.environ, EE_DATA_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "core", "bench", "--smoke", "--json"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    data = json.loads(proc.stdout)
    assert {k for k in data if k.startswith("section_")} == {f"section_{name}_s" for name in bench.SECTIONS}
    not_figures = {k: v for k, v in data.items()  # a figure is a finite number, or a yes/no answer
                   if not isinstance(v, bool) and not (isinstance(v, int | float) and math.isfinite(v))}
    assert not not_figures
