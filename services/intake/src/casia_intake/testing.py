"""For tests of the gateway's token check in oidc mode: an identity provider's JWKS served on the
loopback (not used by the gateway itself)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@contextmanager
def jwks_served(keys: Mapping[str, rsa.RSAPrivateKey]) -> Iterator[str]:
    """The URL of a JWKS that publishes the public half of each of ``keys`` under its kid, served
    until the block ends."""
    published = [
        json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": kid, "use": "sig"}
        for kid, key in keys.items()
    ]
    document = json.dumps({"keys": published}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, format: str, *args: object) -> None:
            pass  # nothing of a test's own provider belongs in its output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()
