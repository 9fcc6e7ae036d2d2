"""core/ is the pure-Python layer: it must never depend on Streamlit."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
CORE_FILES = sorted(CORE.rglob("*.py"))
CORE_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in CORE_FILES if p.name != "__main__.py"
)


def imported_modules(source: str) -> set[str]:
    """Every module named by an import statement anywhere in the source (including inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def test_import_scanner_catches_every_form():
    source = ("import os\nimport streamlit as st\n"
              "def f():\n    from streamlit.runtime import x\n    import importlib\n"
              "    importlib.import_module('streamlit')\n")
    found = imported_modules(source)
    assert {"streamlit", "streamlit.runtime", "os"} <= found


def test_core_files_found():
    assert len(CORE_FILES) >= 10
    assert {"core.cli.commands", "core.embedding.encode", "core.maps.projection", "core.embedding.models", "core.data.loaders"} <= set(CORE_MODULES)


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_no_streamlit_import(path):
    bad = sorted(m for m in imported_modules(path.read_text(encoding="utf-8"))
                 if m == "streamlit" or m.startswith("streamlit."))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}; core/ must stay free of Streamlit"


def test_importing_core_does_not_load_streamlit():
    code = (
        "import importlib, sys\n"
        f"mods = {CORE_MODULES!r}\n"
        "for m in mods: importlib.import_module(m)\n"
        "from core.data.builtins import load_builtin\n"
        "from core.embedding.models import create_embedder\n"
        "load_builtin('lee-documents'); create_embedder('glove-6b-50d').encode(['hello'])\n"
        "leaked = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "print('LEAKED', leaked)\n"
        "print('LOADED', len([m for m in mods if m in sys.modules]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=os.environ.copy(),
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "LEAKED []" in result.stdout, result.stdout
    assert f"LOADED {len(CORE_MODULES)}" in result.stdout
