"""The server's policy: its mode (full, or viewer: read-only), its password, which models a visitor may name, and
what a server reachable beyond this machine should warn about. Read from the environment and the secrets file."""
from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UserError

FULL, VIEWER = "full", "viewer"
MODES = (FULL, VIEWER)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
FIRST_DELAY_S = 1.0  # the wait after a first wrong password; it doubles with each further one
MAX_DELAY_S = 60.0


class WriteRefused(UserError):
    """A change to the server that its mode does not allow."""


@dataclass(frozen=True)
class ServerPolicy:
    """How this server is shown: its mode, its password (None: none), the operator's published maps folder and
    the extra models links may name (`EE_ALLOWED_MODELS`)."""

    mode: str = FULL
    password: str | None = None
    published: Path | None = None
    allowed_models: tuple[str, ...] = ()

    @property
    def can_write(self) -> bool:
        """Whether visitors may upload, embed new data, train, index or delete."""
        return self.mode != VIEWER

    def require_write(self, action: str) -> None:
        """Refuse `action` (a verb phrase: "upload files") on a read-only server."""
        if not self.can_write:
            raise WriteRefused(f"This server is read-only, so visitors cannot {action} here; what it shows can "
                               "still be explored and downloaded.")


def _setting(env: Mapping[str, str], secrets: Mapping[str, Any], env_key: str, secret_key: str) -> str | None:
    """An environment variable, else a secrets-file key; None when neither is set or both are empty."""
    value = env.get(env_key) or secrets.get(secret_key)
    return None if value in (None, "") else str(value).strip()


def read_policy(env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> ServerPolicy:
    """The policy from EE_MODE, EE_PASSWORD, EE_PUBLISHED, EE_ALLOWED_MODELS (else `mode`, `password`, `published`,
    `allowed_models` in the secrets file). An unknown mode is read as viewer: a typo never opens the server."""
    env = os.environ if env is None else env
    secrets = secrets or {}
    mode = (_setting(env, secrets, "EE_MODE", "mode") or FULL).lower()
    published = _setting(env, secrets, "EE_PUBLISHED", "published")
    allowed = _setting(env, secrets, "EE_ALLOWED_MODELS", "allowed_models") or ""
    return ServerPolicy(mode if mode in MODES else VIEWER, _setting(env, secrets, "EE_PASSWORD", "password"),
                        Path(published).expanduser() if published else None,
                        tuple(m.strip() for m in allowed.split(",") if m.strip()))


def password_matches(given: str, expected: str) -> bool:
    """Whether the typed password is the server's, compared in constant time."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def retry_delay(failures: int) -> float:
    """Seconds a session waits before its next try after `failures` wrong passwords in a row."""
    if failures <= 0:
        return 0.0
    return min(FIRST_DELAY_S * 2 ** (failures - 1), MAX_DELAY_S)


def exposed(address: str | None) -> bool:
    """Whether a server bound to `address` is reachable beyond this machine (unset binds every interface)."""
    return (address or "").strip().lower() not in LOOPBACK


OPEN_BANNER = ("Anyone on this network can reach this app, with no password, and change what its server holds "
               "(upload, train, index, delete). Whoever runs it can add a password or make it read-only: see "
               "“Showing it to a room” in the README.")


def exposure_warning(address: str | None, policy: ServerPolicy) -> str | None:
    """The log line for a server reachable from the network with neither a password nor viewer mode (else None)."""
    if not exposed(address) or policy.password or not policy.can_write:
        return None
    return (f"The app listens on {address or 'every network interface'} with no password and in full mode: anyone "
            "who can reach it can upload, train and delete. Set EE_PASSWORD, or EE_MODE=viewer, or bind it to "
            "127.0.0.1 (`make run`).")


def model_allowed(key: str, *, models_root: Path, allowed: tuple[str, ...] = ()) -> bool:
    """Whether a link may name this model: a registered one, a fine-tuned model folder directly under
    `models_root`, or one the operator allowed by name. No other path, and nothing with control characters."""
    from core.embedding.kinds import kind_model
    from core.embedding.models import CUSTOM_PREFIX, MODELS

    if not key or len(key) > 600 or any(ord(c) < 32 or c == "\x7f" for c in key):
        return False
    if key in MODELS or key in allowed or key.removeprefix(CUSTOM_PREFIX) in allowed:
        return True
    if kind_model(key) is not None:
        return True
    return key.startswith(CUSTOM_PREFIX) and _under_models(key[len(CUSTOM_PREFIX):], models_root)


def _under_models(name: str, models_root: Path) -> bool:
    """Whether `name` is a model folder directly inside `models_root` (by its full path, links not followed)."""
    if not os.path.isabs(name):
        return False
    path, root = Path(name), models_root.resolve()
    return (".." not in path.parts and not path.name.startswith(".") and path.parent.resolve() == root
            and not path.is_symlink() and path.is_dir())
