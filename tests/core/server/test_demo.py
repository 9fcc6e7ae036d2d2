"""`make demo` refuses to serve the network without a password."""
from __future__ import annotations

import subprocess
import sys

from core.paths import PROJECT_ROOT
from core.server import demo


def test_the_demo_refuses_to_start_without_a_password(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EE_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "core.server.demo"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == (0 if demo.read_secrets().get("password") else 2)
    if result.returncode:
        assert "needs a password" in result.stderr
    given = subprocess.run([sys.executable, "-m", "core.server.demo"], cwd=PROJECT_ROOT,
                           env={**env, "EE_PASSWORD": "p"}, capture_output=True, text=True)
    assert given.returncode == 0 and "read-only" in given.stdout


def test_a_password_in_the_secrets_file_is_enough(tmp_path, monkeypatch):
    monkeypatch.delenv("EE_PASSWORD", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('password = "from the file"\npublished = "/srv/maps"\n', encoding="utf-8")
    monkeypatch.setattr(demo, "read_secrets", lambda: demo.tomllib.loads(secrets.read_text(encoding="utf-8")))
    assert demo.main() == 0
    monkeypatch.setattr(demo, "read_secrets", lambda: {})
    assert demo.main() == 2
