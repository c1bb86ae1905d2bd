"""Simulated readers for the live-update benchmarks: asyncio, plain sockets, HTTP/1.1.

wrk cannot hold event streams open or mix what readers do, so these benchmarks drive Parley
from Python: one connection per request (``Connection: close``, as a browser's fresh page load
through a proxy would be), and one long-lived connection per event stream. A stream holder
notes, with ``time.monotonic()`` (one clock for every process on the machine), when each
``comment`` event arrives, so a poster in another process can tell how long fan-out took.

Stream holders run in a process of their own (``hold_streams``), so the load generator's own
event loop does not delay what the streams measure.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.report import percentile

BROWSER_HEADERS = "Accept-Encoding: gzip, br\r\nAccept: application/json\r\n"


@dataclass
class Timed:
    """One request's outcome: status (0 for a socket error), seconds, body bytes."""

    kind: str
    status: int
    seconds: float
    size: int = 0
    body: bytes = b""


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


async def request(
    base: str,
    method: str,
    path: str,
    kind: str,
    body: dict[str, Any] | None = None,
    keep_body: bool = False,
    timeout: float = 10.0,
) -> Timed:
    """One HTTP request on a fresh connection; never raises (errors are status 0)."""
    host, port = address(base)
    payload = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    head += BROWSER_HEADERS
    if body is not None:
        head += "Content-Type: application/json\r\nOrigin: https://news.example\r\n"
        head += f"Content-Length: {len(payload)}\r\n"
    started = time.monotonic()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(head.encode() + b"\r\n" + payload)
            await writer.drain()
            data = await reader.read()
    except (OSError, TimeoutError):
        return Timed(kind, 0, time.monotonic() - started)
    finally:
        if writer is not None:
            writer.close()
    elapsed = time.monotonic() - started
    status_line, _, rest = data.partition(b"\r\n")
    try:
        status = int(status_line.split()[1])
    except (IndexError, ValueError):
        return Timed(kind, 0, elapsed)
    _headers, _, content = rest.partition(b"\r\n\r\n")
    return Timed(kind, status, elapsed, len(content), content if keep_body else b"")


@dataclass
class StreamLog:
    """What one stream saw: when each comment id arrived, and whether it ever failed."""

    opened: bool = False
    failed: str = ""
    arrivals: dict[int, float] = field(default_factory=dict)


async def hold_stream(base: str, site: str, article: str, log: StreamLog) -> None:
    """Hold ``GET /api/v1/events`` open until cancelled, noting comment events."""
    host, port = address(base)
    writer = None
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(
            f"GET /api/v1/events?site={site}&article={article} HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 60)
        if b" 200 " not in status_line:
            log.failed = status_line.decode(errors="replace").strip() or "no answer"
            return
        event = ""
        while True:
            # Lines of the (chunked) body; chunk sizes and blank lines match nothing below.
            line = await reader.readline()
            if not line:
                log.failed = "closed by the server"
                return
            text = line.decode().strip()
            if text.startswith(": listening"):
                log.opened = True
            elif text.startswith("event: "):
                event = text[7:]
            elif text.startswith("data: ") and event == "comment":
                log.arrivals[json.loads(text[6:])["id"]] = time.monotonic()
    except (OSError, TimeoutError, ValueError) as error:
        log.failed = f"{type(error).__name__}: {error}"
    finally:
        if writer is not None:
            writer.close()


async def _hold_all(
    base: str, site: str, articles: list[str], stop: Path, ready: Path
) -> list[StreamLog]:
    logs = [StreamLog() for _ in articles]
    tasks = []
    for index, (article, log) in enumerate(zip(articles, logs, strict=True)):
        tasks.append(asyncio.create_task(hold_stream(base, site, article, log)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # open in batches, as readers arrive
    told = False
    while not stop.exists():
        if not told and all(log.opened or log.failed for log in logs):
            ready.write_text(json.dumps({"opened": sum(log.opened for log in logs)}))
            told = True
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return logs


def hold_streams(base: str, site: str, articles: list[str], folder: str) -> None:
    """In a process of its own: one stream per entry of ``articles``. Writes ``ready`` in
    ``folder`` once every stream listens (or failed), stops when ``stop`` appears there, and
    writes what each stream saw to ``streams.json``."""
    where = Path(folder)
    logs = asyncio.run(_hold_all(base, site, articles, where / "stop", where / "ready"))
    data = [
        {"opened": log.opened, "failed": log.failed, "arrivals": list(log.arrivals.items())}
        for log in logs
    ]
    (where / "streams.json").write_text(json.dumps(data))


class StreamHolder:
    """A process holding event streams open; ``finish()`` closes them and returns their logs.

    As a context manager it makes sure the process ends when the block is left (``close()``),
    whether or not ``finish()`` was reached."""

    def __init__(self, base: str, site: str, articles: list[str], workdir: Path) -> None:
        self.folder = workdir / f"streams-{time.monotonic_ns()}"
        self.folder.mkdir()
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(
            target=hold_streams, args=(base, site, articles, str(self.folder)), daemon=True
        )
        self.process.start()

    def wait_ready(self, timeout: float = 90) -> int:
        """Wait until every stream listens (or failed); returns how many listen."""
        deadline = time.monotonic() + timeout
        ready = self.folder / "ready"
        while not ready.exists():
            if not self.process.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the stream holder did not get its streams open")
            time.sleep(0.1)
        return json.loads(ready.read_text())["opened"]

    def finish(self) -> list[StreamLog]:
        (self.folder / "stop").touch()
        self.process.join(60)
        if self.process.is_alive():
            self.process.terminate()
            raise RuntimeError("the stream holder did not stop")
        data = json.loads((self.folder / "streams.json").read_text())
        return [
            StreamLog(item["opened"], item["failed"], {int(k): t for k, t in item["arrivals"]})
            for item in data
        ]

    def close(self) -> None:
        (self.folder / "stop").touch()
        if self.process.is_alive():
            self.process.join(30)
        if self.process.is_alive():
            self.process.terminate()

    def __enter__(self) -> StreamHolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def delivery_latencies(
    streams: list[StreamLog],
    article_of_stream: list[str],
    sent: dict[int, tuple[str, float]],
) -> tuple[list[float], int]:
    """Seconds from each post's sending to its event's arrival on each stream of its article,
    and how many such deliveries never arrived. ``sent``: comment id -> (article, when)."""
    latencies, missing = [], 0
    for log, article in zip(streams, article_of_stream, strict=True):
        if not log.opened:
            continue
        for comment_id, (posted_to, started) in sent.items():
            if posted_to != article:
                continue
            arrived = log.arrivals.get(comment_id)
            if arrived is None:
                missing += 1
            else:
                latencies.append(arrived - started)
    return latencies, missing


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes, in MB (those that still exist)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def summary(values: list[float]) -> str:
    """p50 / p99 / max of seconds, in ms."""
    if not values:
        return "-"
    return " / ".join(
        f"{v * 1000:.1f}" for v in (percentile(values, 0.5), percentile(values, 0.99), max(values))
    )


async def post_comment(base: str, site: str, article: str, body: str, name: str) -> Timed:
    payload = {"site": site, "article": article, "body": body, "author_name": name}
    return await request(base, "POST", "/api/v1/comments", "post", payload, keep_body=True)


def posted_id(answer: Timed) -> int | None:
    if answer.status != 201:
        return None
    return int(json.loads(answer.body)["id"])
