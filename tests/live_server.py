"""Helpers for tests that need real sockets: a Flask app served in a thread, gunicorn masters
as production runs them, plain HTTP calls, and an SSE reader."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import REDIS_URL
from tests.private_servers import free_port

ROOT = Path(__file__).resolve().parent.parent


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


@contextmanager
def gunicorn_master(
    database_url: str, workdir: Path, redis_url: str | None = REDIS_URL
) -> Iterator[str]:
    """One gunicorn master as production runs it (gunicorn.conf.py, one worker) on a free
    port; yields its base URL once /readyz answers."""
    port = free_port()
    env = {
        **os.environ,
        "PARLEY_DATABASE_URL": database_url,
        "PARLEY_REDIS_URL": redis_url or "",
        "PARLEY_SECRET_KEY": "multiprocess-test-secret",
        "PARLEY_RATE_LIMITS": "off",
        # Behind one load balancer every process links to the same public address.
        "PARLEY_PUBLIC_URL": "http://comments.test",
        "PARLEY_ACCESS_LOG": str(workdir / f"access-{port}.log"),
    }
    log = workdir / f"gunicorn-{port}.log"
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--error-logfile",
        str(log),
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=5):  # noqa: S310 - local
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not become ready:\n{log.read_text()}")
        yield base
    finally:
        process.send_signal(signal.SIGQUIT)  # quick shutdown: open streams need no grace here
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def call(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, headers or {}, method=method)  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_through(base: str, body: str) -> dict:
    """A guest's comment on news/a1 posted to the server at ``base``; its 201 answer."""
    payload = {"site": "news", "article": "a1", "body": body, "author_name": "Ann"}
    # From the publisher's page (a registered origin), as only such requests create articles.
    headers = {"Origin": "https://news.example"}
    status, _headers, content = call(base + "/api/v1/comments", "POST", payload, headers)
    assert status == 201, content
    return json.loads(content)


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
