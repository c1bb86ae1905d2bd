"""Helpers for tests that need real sockets: a Flask app served in a thread, and an SSE reader."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serving(app) -> Iterator[int]:
    """Serve ``app`` on a free 127.0.0.1 port in a thread; yields the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


class EventReader:
    """An open ``/api/v1/events`` stream, read event by event (with a socket timeout)."""

    def __init__(self, port: int, site: str, article: str, timeout: float = 10) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.connection.request("GET", f"/api/v1/events?site={site}&article={article}")
        self.response = self.connection.getresponse()

    def next_block(self) -> list[str]:
        """The lines of the next block (up to a blank line)."""
        lines = []
        while True:
            line = self.response.readline().decode()
            if line in ("\n", ""):
                if lines or line == "":
                    return lines
                continue
            lines.append(line.rstrip("\n"))

    def next_event(self, name: str) -> dict:
        """The data of the next event called ``name`` (skipping comments and other events)."""
        while True:
            block = self.next_block()
            if not block:
                raise EOFError("the stream ended")
            fields = dict(line.split(": ", 1) for line in block if not line.startswith(":"))
            if fields.get("event") == name:
                return json.loads(fields["data"])

    def close(self) -> None:
        self.connection.close()
