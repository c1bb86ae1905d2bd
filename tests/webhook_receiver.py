"""A real HTTP receiver of webhooks on 127.0.0.1 for the tests: records each request's headers
and body, and can fail the first N requests for each ``webhook-id`` (answering 500)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook as StandardWebhook


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: dict[str, int] = field(default_factory=dict)

    def answer(self, received: Received) -> int:
        with self.lock:
            self.requests.append(received)
            count = self.seen.get(received.id, 0) + 1
            self.seen[received.id] = count
        return 500 if count <= self.fail_first else 204

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until ``count`` requests were answered 2xx-or-not; the requests so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        with self.lock:
            return list(self.requests)

    def succeeded(self) -> list[Received]:
        """The requests answered 2xx: for each id, the ones after its first ``fail_first``."""
        counts: dict[str, int] = {}
        kept = []
        with self.lock:
            for received in self.requests:
                counts[received.id] = counts.get(received.id, 0) + 1
                if counts[received.id] > self.fail_first:
                    kept.append(received)
        return kept


def hand_signatures(secret: str, received: Received) -> str:
    """The contract's signature, computed by hand: v1,base64(HMAC-SHA256(secret, id.ts.body))."""
    signed = f"{received.id}.{received.headers['webhook-timestamp']}.".encode() + received.body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, received: Received) -> dict:
    """Check the signature with the standardwebhooks library and by hand; the parsed body."""
    assert hand_signatures(secret, received) in received.headers["webhook-signature"].split(" ")
    return StandardWebhook(secret.encode()).verify(received.body, received.headers)


@contextmanager
def receiver(fail_first: int = 0) -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = box[0].answer(Received(headers, body, self.path))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    box.append(Receiver(f"http://127.0.0.1:{port}/hooks/parley", fail_first))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
