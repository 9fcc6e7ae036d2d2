"""Chroma behind a token: what chromadb 1.5's own server does with token settings (nothing), and the reverse proxy
that does check the token, refusing a client without it and serving the app's client, which sends it."""
from __future__ import annotations

import numpy as np
import pytest

from core.errors import UserError
from core.search.client import open_client
from core.search.store import VectorStore
from tests.core.search.test_store_process import running_chroma
from tests.support.token_proxy import token_proxy

TOKEN = "room-token-5b1d"
# The server-side token settings chromadb 0.5/0.6 honoured; its 1.x server (`chroma run`) has no such check.
OLD_SERVER_AUTH = {"CHROMA_SERVER_AUTHN_PROVIDER": "chromadb.auth.token_authn.TokenAuthenticationServerProvider",
                   "CHROMA_SERVER_AUTHN_CREDENTIALS": TOKEN}


@pytest.fixture
def token_server(tmp_path):
    """A real `chroma run` on 127.0.0.1, started with the token settings; yields its port."""
    with running_chroma(tmp_path, **OLD_SERVER_AUTH) as port:
        yield port


def _use_server(monkeypatch, port: int, token: str | None) -> None:
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    if token is None:
        monkeypatch.delenv("CHROMA_AUTH_TOKEN", raising=False)
    else:
        monkeypatch.setenv("CHROMA_AUTH_TOKEN", token)


def test_chroma_1_5_server_does_not_check_tokens_itself(token_server, monkeypatch):
    _use_server(monkeypatch, token_server, None)
    client = open_client()  # no token sent, and still served: the README says to put a proxy in front
    client.create_collection("open-door", embedding_function=None)
    assert [c.name for c in client.list_collections()] == ["open-door"]


@pytest.mark.slow
def test_behind_the_token_proxy_a_client_without_the_token_is_refused_and_the_app_is_served(token_server,
                                                                                             monkeypatch):
    with token_proxy(token_server, TOKEN) as proxy_port:
        _use_server(monkeypatch, proxy_port, None)
        with pytest.raises(UserError, match="Could not reach the Chroma server"):
            VectorStore.open()
        _use_server(monkeypatch, proxy_port, "not-the-token")
        with pytest.raises(UserError, match="CHROMA_AUTH_TOKEN"):
            VectorStore.open()
        _use_server(monkeypatch, proxy_port, TOKEN)
        store = VectorStore.open()
        vectors = np.eye(4, dtype=np.float32)
        store.ingest("guarded", texts=list("abcd"), vectors=vectors, metadatas=[{"i": i} for i in range(4)],
                     model_id="m", model_key="mk", dataset="guarded")
        assert store.query("guarded", vectors[2], k=1)["text"].iloc[0] == "c"
    _use_server(monkeypatch, token_server, None)  # what the proxy guarded is the server's own store
    assert "guarded" in [c.name for c in open_client().list_collections()]
