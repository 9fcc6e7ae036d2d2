"""A minimal reverse proxy that lets through only requests carrying `Authorization: Bearer <token>`: what nginx or
Caddy do before a Chroma server whose own server cannot check tokens (see README, "Showing it to a room")."""
from __future__ import annotations

import hmac
import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-authenticate", "host", "content-length"}


def _handler(upstream_port: int, token: str) -> type[BaseHTTPRequestHandler]:
    expected = f"Bearer {token}".encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet in tests
            pass

        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not hmac.compare_digest(self.headers.get("Authorization", "").encode(), expected):
                self._answer(401, b'{"error":"Unauthorized"}', {"Content-Type": "application/json"})
                return
            conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            self._answer(reply.status, data, {k: v for k, v in reply.getheaders() if k.lower() not in HOP_BY_HOP})
            conn.close()

        def _answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _relay

    return Handler


@contextmanager
def token_proxy(upstream_port: int, token: str) -> Iterator[int]:
    """A proxy on a free local port in front of 127.0.0.1:`upstream_port`; yields its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream_port, token))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
