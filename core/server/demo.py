"""`python -m core.server.demo`: the check `make demo` runs before it serves the app on every interface, read-only.

It refuses (exit status 2) when no password is set, in EE_PASSWORD or as `password` in .streamlit/secrets.toml.
"""
from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from core.paths import PROJECT_ROOT
from core.server.policy import VIEWER, read_policy

SECRETS = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def read_secrets(path: Path = SECRETS) -> dict:
    """The secrets file's values ({} when there is none)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def main() -> int:
    policy = read_policy({**os.environ, "EE_MODE": VIEWER}, read_secrets())
    if not policy.password:
        print("make demo serves the app to the whole network, so it needs a password: set EE_PASSWORD, or "
              "password = \"...\" in .streamlit/secrets.toml, and run it again.", file=sys.stderr)
        return 2
    published = f", with the maps in {policy.published}" if policy.published else ""
    print(f"Serving read-only on every network interface, behind the password{published}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
