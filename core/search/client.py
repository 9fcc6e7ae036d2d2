"""Connecting to Chroma: the embedded store or a server, and opening its collections without an embedder."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.paths import data_dir
from core.search.lock import lock_store


def server_address(host: str | None = None, port: int | str | None = None) -> tuple[str, int] | None:
    """(host, port) of the Chroma server to use: the arguments, else CHROMA_HOST/CHROMA_PORT; None for embedded."""
    host = host or os.environ.get("CHROMA_HOST") or None
    port = port or os.environ.get("CHROMA_PORT") or None
    if not (host or port):
        return None
    try:
        return host or "localhost", int(port or 8000)
    except ValueError:
        raise UserError(f"The Chroma port must be a number, got {port!r}.") from None


def auth_token() -> str | None:
    """The token to send a Chroma server (CHROMA_AUTH_TOKEN), as `Authorization: Bearer <token>`; None for none."""
    return os.environ.get("CHROMA_AUTH_TOKEN") or None


def _server_settings() -> Any:
    """Client settings for a server: telemetry off, and the token when there is one."""
    from chromadb.config import Settings

    token = auth_token()
    if token is None:
        return Settings(anonymized_telemetry=False)
    return Settings(anonymized_telemetry=False, chroma_client_auth_credentials=token,
                    chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider")


def default_path() -> Path:
    """Where the embedded store lives unless told otherwise: `data_dir()/chroma`."""
    return data_dir() / "chroma"


def open_client(path: str | Path | None = None, *, host: str | None = None, port: int | str | None = None):
    """A Chroma client: HttpClient when a server is named (arguments or CHROMA_HOST/CHROMA_PORT), else an
    embedded PersistentClient at `path` (default `data_dir()/chroma`), locked to this process (see
    `core.search.lock`). A server is sent CHROMA_AUTH_TOKEN when it is set. Telemetry is off either way.
    """
    import chromadb
    from chromadb.config import Settings

    server = server_address(host, port)
    if server:
        try:
            return chromadb.HttpClient(host=server[0], port=server[1], settings=_server_settings())
        except Exception as exc:  # noqa: BLE001 - any connection failure reads the same to a user
            raise UserError(f"Could not reach the Chroma server at {server[0]}:{server[1]} ({exc}). Start it with "
                            "`chroma run --host HOST --port PORT --path DIR`, check CHROMA_AUTH_TOKEN when it asks "
                            "for a token, or unset CHROMA_HOST/CHROMA_PORT to use the embedded store.") from None
    folder = Path(path) if path else default_path()
    folder.mkdir(parents=True, exist_ok=True)
    lock_store(folder)
    return chromadb.PersistentClient(path=str(folder),
                                     settings=Settings(anonymized_telemetry=False, allow_reset=False))


def get_collection(client: Any, name: str) -> Any:
    """The named collection, with no embedding function: Chroma never embeds for us."""
    return client.get_collection(name, embedding_function=None)


def find_collection(client: Any, name: str) -> Any | None:
    """The named collection as `get_collection` opens it, or None when there is no such collection."""
    try:
        return get_collection(client, name)
    except Exception:  # noqa: BLE001 - NotFoundError on embedded, ValueError/HTTP errors on a server
        return None
