"""Discovery documents served from this test process (a thread on loopback), for the tests
that need the provider page to accept or refuse an address without starting the Node
provider: /good/ answers a complete document, /missing/ one without jwks_uri, /html/ a web
page, anything else 404."""

from __future__ import annotations

import json
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WELL_KNOWN = "/.well-known/openid-configuration"


def document(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
    }


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
        issuer = f"http://127.0.0.1:{self.server.server_port}{self.path.split(WELL_KNOWN)[0]}"
        body, kind, status = b"not here", "text/plain", 404
        if self.path == f"/good{WELL_KNOWN}":
            body, kind, status = json.dumps(document(issuer)).encode(), "application/json", 200
        elif self.path == f"/missing{WELL_KNOWN}":
            found = {k: v for k, v in document(issuer).items() if k != "jwks_uri"}
            body, kind, status = json.dumps(found).encode(), "application/json", 200
        elif self.path == f"/html{WELL_KNOWN}":
            body, kind, status = b"<html><body>Sign in</body></html>", "text/html", 200
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@cache
def discovery_server() -> str:
    """The server's base address (started once per test process, a daemon thread)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"
